// The drift report's findings: where an inventory entry and what the newest completed scan
// of its connection saw of the same provider secret (discovered_secrets, matched on
// connection and provider key) disagree. Computed in SQL over the join, one statement per
// page (keyset on secret name, id and kind) and one for the counts, so 100k secrets cost
// an index walk, not a loop in JavaScript. No authorization here: lib/data/drift.ts is the
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
import { labelsToAwsTags } from '@/lib/providers/aws-tags';
import { gcpLabels } from '@/lib/providers/gcp-names';

export const DRIFT_KINDS = [
  'provider_missing',
  'provider_deleted',
  'rotation_mismatch',
  'last_rotated_mismatch',
  'tags_mismatch',
  'out_of_band_version',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** How far the inventory's last-rotated date may be from the provider's last change. */
export const DEFAULT_TOLERANCE_HOURS = 24;

export type DriftScope = {
  connectionId?: string | null;
  kind?: DriftKind | null;
  secretId?: string | null;
  toleranceHours?: number;
};

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

/** A time as ISO 8601 text in UTC, to the millisecond (as the inventory list formats them in SQL). */
const isoUtcSql = (column: Prisma.Sql) => Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The owner and environment label values the write service would put on a provider secret
 * today, after the adapter's sanitising (AWS tag alphabet; GCP's lower-case label alphabet),
 * per team and per environment: compared in SQL with what the scan read.
 */
async function expectedLabelMaps(): Promise<{ teams: string; environments: string }> {
  const [teams, environments] = await Promise.all([
    db.team.findMany({ select: { id: true, name: true } }),
    db.environment.findMany({ select: { id: true, name: true } }),
  ]);
  const asProvider = (value: string) => ({ aws: labelsToAwsTags({ v: value })[0]?.Value ?? '', gcp: gcpLabels({ v: value }).v ?? '' });
  const mapOf = (rows: { id: string; name: string }[]) => JSON.stringify(Object.fromEntries(rows.map((r) => [r.id, asProvider(r.name)])));
  return { teams: mapOf(teams), environments: mapOf(environments) };
}

/** The join and each kind's condition; `f.kind`/`f.hit` say which findings a row has. */
function driftFrom(labels: { teams: string; environments: string }, toleranceHours: number): Prisma.Sql {
  const live = Prisma.sql`(d.id IS NOT NULL AND d.gone_at IS NULL)`;
  const versionSinceScan = Prisma.sql`EXISTS (SELECT 1 FROM secret_versions v WHERE v.secret_id = s.id AND v.created_at >= sc.scan_started)`;
  return Prisma.sql`
    FROM secrets s
    JOIN (
      SELECT connection_id, max(started_at) AS scan_started, max(finished_at) AS scanned_at
      FROM discovery_scans WHERE status = 'completed' GROUP BY connection_id
    ) sc ON sc.connection_id = s.connection_id
    JOIN provider_connections c ON c.id = s.connection_id
    LEFT JOIN discovered_secrets d ON d.connection_id = s.connection_id AND d.provider_key = s.provider_key
    CROSS JOIN LATERAL (
      SELECT
        -- The provider's last change of value: a rotation or the newest version. AWS moves
        -- LastChangedDate on tag and description edits too (the label fix would then look
        -- like a rotation), so it counts only when nothing better is known.
        COALESCE(GREATEST(d.last_rotated_at, d.newest_version_at), d.last_changed_at) AS provider_changed_at,
        d.labels ->> 'owner' AS owner_label,
        d.labels ->> 'environment' AS environment_label,
        ${labels.teams}::jsonb -> s.owner_team_id::text ->> c.kind::text AS expected_owner,
        ${labels.environments}::jsonb -> s.environment_id::text ->> c.kind::text AS expected_environment
    ) x
    CROSS JOIN LATERAL (VALUES
      ('provider_missing', CASE WHEN d.id IS NULL OR d.gone_at IS NOT NULL THEN s.created_at < sc.scan_started AND NOT ${versionSinceScan} ELSE false END),
      ('provider_deleted', ${live} AND d.deletion_at IS NOT NULL),
      ('rotation_mismatch', ${live} AND (
        (d.rotation_enabled IS TRUE AND s.rotation_strategy <> 'provider_native')
        OR (s.rotation_strategy = 'provider_native' AND d.rotation_enabled IS NOT TRUE))),
      ('last_rotated_mismatch', ${live} AND x.provider_changed_at IS NOT NULL AND (
        s.last_rotated_at IS NULL
        OR (s.last_rotated_at < sc.scan_started
            AND abs(extract(epoch FROM s.last_rotated_at - x.provider_changed_at)) > ${toleranceHours * 3600}))),
      ('tags_mismatch', ${live} AND c.kind IN ('aws', 'gcp') AND (
        x.owner_label IS DISTINCT FROM x.expected_owner OR x.environment_label IS DISTINCT FROM x.expected_environment)),
      ('out_of_band_version', CASE WHEN ${live} AND d.current_version_id IS NOT NULL AND s.active_rotation_id IS NULL THEN
        EXISTS (SELECT 1 FROM secret_versions v WHERE v.secret_id = s.id)
        AND NOT EXISTS (SELECT 1 FROM secret_versions v WHERE v.secret_id = s.id AND v.provider_version_id = d.current_version_id)
        AND NOT EXISTS (SELECT 1 FROM pending_value_writes p WHERE p.secret_id = s.id)
        ELSE false END)
    ) f(kind, hit)`;
}

function whereOf(scope: DriftScope): Prisma.Sql {
  const parts = [Prisma.sql`f.hit`, Prisma.sql`s.status <> 'decommissioned'`, Prisma.sql`s.provider_key <> ''`];
  if (scope.connectionId) parts.push(Prisma.sql`s.connection_id = ${scope.connectionId}::uuid`);
  if (scope.kind) parts.push(Prisma.sql`f.kind = ${scope.kind}`);
  if (scope.secretId) parts.push(Prisma.sql`s.id = ${scope.secretId}::uuid`);
  return Prisma.join(parts, ' AND ');
}

export type DriftCursor = { name: string; id: string; kind: DriftKind };

/** One page of findings, ordered by secret name, secret id and kind; `limit + 1` rows tell whether there is more. */
export async function driftRows(scope: DriftScope, after: DriftCursor | null, limit: number, client: Pick<Tx, '$queryRaw'> = db): Promise<DriftRow[]> {
  const labels = await expectedLabelMaps();
  const keyset = after ? Prisma.sql`AND (s.name, s.id, f.kind) > (${after.name}, ${after.id}::uuid, ${after.kind})` : Prisma.empty;
  // The display-only columns (names, the newest recorded version) are read for the page
  // alone, after the LIMIT.
  return client.$queryRaw<DriftRow[]>`
    SELECT page.kind, page.secret_id, page.secret_name, e.name AS environment, t.id AS team_id, t.name AS team_name,
      page.provider_ref, page.rotation_strategy, page.last_rotated_at,
      page.connection_id, page.connection_name, page.connection_kind, page.scanned_at, page.discovered, page.gone_at, page.deletion_at,
      page.rotation_enabled, page.rotation_schedule, page.provider_changed_at, page.owner_label, page.environment_label,
      page.expected_owner, page.expected_environment, page.current_version_id,
      (SELECT v.provider_version_id FROM secret_versions v WHERE v.secret_id = page.secret_id ORDER BY v.created_at DESC LIMIT 1) AS newest_recorded_version_id
    FROM (
      SELECT f.kind, s.id AS secret_id, s.name AS secret_name, s.environment_id, s.owner_team_id, s.provider_ref,
        s.rotation_strategy, ${isoUtcSql(Prisma.sql`s.last_rotated_at`)} AS last_rotated_at,
        c.id AS connection_id, c.name AS connection_name, c.kind AS connection_kind,
        ${isoUtcSql(Prisma.sql`sc.scanned_at`)} AS scanned_at, d.id IS NOT NULL AS discovered,
        ${isoUtcSql(Prisma.sql`d.gone_at`)} AS gone_at, ${isoUtcSql(Prisma.sql`d.deletion_at`)} AS deletion_at,
        d.rotation_enabled, d.rotation_schedule, ${isoUtcSql(Prisma.sql`x.provider_changed_at`)} AS provider_changed_at,
        x.owner_label, x.environment_label, x.expected_owner, x.expected_environment, d.current_version_id
      ${driftFrom(labels, scope.toleranceHours ?? DEFAULT_TOLERANCE_HOURS)}
      WHERE ${whereOf(scope)} ${keyset}
      ORDER BY s.name, s.id, f.kind
      LIMIT ${limit + 1}
    ) page
    JOIN environments e ON e.id = page.environment_id
    JOIN teams t ON t.id = page.owner_team_id
    ORDER BY page.secret_name, page.secret_id, page.kind`;
}

/** How many findings of each kind the scope holds (the kind filter ignored: counts are per kind). */
export async function driftCounts(scope: Omit<DriftScope, 'kind'>): Promise<Record<DriftKind, number>> {
  const labels = await expectedLabelMaps();
  const rows = await db.$queryRaw<{ kind: DriftKind; n: number }[]>`
    SELECT f.kind, count(*)::int AS n
    ${driftFrom(labels, scope.toleranceHours ?? DEFAULT_TOLERANCE_HOURS)}
    WHERE ${whereOf({ ...scope, kind: null })}
    GROUP BY f.kind`;
  const counts = Object.fromEntries(DRIFT_KINDS.map((k) => [k, 0])) as Record<DriftKind, number>;
  for (const r of rows) counts[r.kind] = r.n;
  return counts;
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
