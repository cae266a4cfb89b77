// The drift report's findings: where an inventory entry and what the newest completed scan
// of its connection saw of the same provider secret (discovered_secrets, matched on
// connection and provider key) disagree. Computed in SQL over the join (drift-sql.ts): one
// statement per page (keyset on secret name, id and kind) and one for the counts, each a
// single pass over the judged secrets. No authorization here: lib/data/drift.ts is the
// caller-facing door.
//
// What is never judged: connections without a completed scan ("not scanned yet"),
// decommissioned entries, and what the scan cannot have seen (an entry created, a version
// recorded or a rotation recorded after the scan started): a stale snapshot must not
// report the dashboard's own newer work as drift.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { ConnectionKind, RotationStrategy } from '@/generated/prisma/enums';
import { db, type Tx } from '@/lib/db';
import { DRIFT_KINDS, driftCountsSql, driftKindsSql, driftRowsSql, isoUtcSql, type DriftCursor, type DriftKind, type DriftScope } from './drift-sql';
import { labelsToAwsTags } from '@/lib/providers/aws-tags';
import { gcpLabels } from '@/lib/providers/gcp-names';

export { DEFAULT_TOLERANCE_HOURS, DRIFT_KINDS, type DriftCursor, type DriftKind, type DriftScope } from './drift-sql';

/** One finding as the statement returns it: times as ISO text, labels as read. */
export type DriftRow = {
  kind: DriftKind;
  secret_id: string;
  secret_name: string;
  environment: string;
  team_id: string;
  team_name: string;
  provider_ref: string;
  rotation_strategy: RotationStrategy;
  last_rotated_at: string | null;
  connection_id: string;
  connection_name: string;
  connection_kind: ConnectionKind;
  scanned_at: string;
  discovered: boolean;
  gone_at: string | null;
  deletion_at: string | null;
  rotation_enabled: boolean | null;
  rotation_schedule: string | null;
  provider_changed_at: string | null;
  owner_label: string | null;
  environment_label: string | null;
  expected_owner: string | null;
  expected_environment: string | null;
  current_version_id: string | null;
  newest_recorded_version_id: string | null;
};

/**
 * The owner and environment label values the write service would put on a provider secret
 * today, after the adapter's sanitising (AWS tag alphabet; GCP's lower-case label alphabet),
 * per team and per environment id, as one JSON map the statement looks ids up in.
 */
async function expectedLabels(): Promise<string> {
  const [teams, environments] = await Promise.all([
    db.team.findMany({ select: { id: true, name: true } }),
    db.environment.findMany({ select: { id: true, name: true } }),
  ]);
  const asProvider = (name: string) => ({ aws: labelsToAwsTags({ v: name })[0]?.Value ?? '', gcp: gcpLabels({ v: name }).v ?? '' });
  return JSON.stringify(Object.fromEntries([...teams, ...environments].map((r) => [r.id, asProvider(r.name)])));
}

/** One page of findings, ordered by secret name, secret id and kind; `limit + 1` rows tell whether there is more. */
export async function driftRows(scope: DriftScope, after: DriftCursor | null, limit: number, client: Pick<Tx, '$queryRaw'> = db): Promise<DriftRow[]> {
  return client.$queryRaw<DriftRow[]>(driftRowsSql(await expectedLabels(), scope, after, limit));
}

/** How many findings of each kind the scope holds (the kind filter ignored: counts are per kind). */
export async function driftCounts(scope: Omit<DriftScope, 'kind'>): Promise<Record<DriftKind, number>> {
  const [row] = await db.$queryRaw<Record<DriftKind, number>[]>(driftCountsSql(await expectedLabels(), scope));
  return Object.fromEntries(DRIFT_KINDS.map((k) => [k, row?.[k] ?? 0])) as Record<DriftKind, number>;
}

/** The secrets of the scope that have findings, each with its kinds. */
export async function driftKindsBySecret(scope: Omit<DriftScope, 'kind'> = {}): Promise<{ secretId: string; kinds: DriftKind[] }[]> {
  const rows = await db.$queryRaw<{ secret_id: string; kinds: DriftKind[] }[]>(driftKindsSql(await expectedLabels(), scope));
  return rows.map((r) => ({ secretId: r.secret_id, kinds: r.kinds }));
}

export type ScannedConnection = { id: string; name: string; kind: ConnectionKind; scannedAt: string | null };

/** Every cloud connection and when its newest completed scan finished (null: not scanned yet). */
export async function scannedConnections(): Promise<ScannedConnection[]> {
  const rows = await db.$queryRaw<{ id: string; name: string; kind: ConnectionKind; scanned_at: string | null }[]>`
    SELECT c.id, c.name, c.kind,
      (SELECT ${isoUtcSql(Prisma.sql`max(ds.finished_at)`)} FROM discovery_scans ds WHERE ds.connection_id = c.id AND ds.status = 'completed') AS scanned_at
    FROM provider_connections c
    WHERE c.kind IN ('aws', 'gcp')
    ORDER BY c.name, c.id`;
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, scannedAt: r.scanned_at }));
}
