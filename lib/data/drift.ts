// The drift report for callers: anyone who may read the inventory sees the findings of
// every secret (the inventory's own scope), and the one-click fixes are for engineers of
// the owning team and admins. A fix is re-checked when clicked: the finding is computed
// again and must be the one the person saw (a hash of it travels with the button), else
// nothing changes. Each fix and its audit event commit together; the label fix writes to
// the provider through the write service first, then records.
import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { callerCan } from '@/lib/auth/token-scopes';
import { actsOnEveryTeam, authorizeActionOn } from '@/lib/auth/team-scope';
import { db, type Tx } from '@/lib/db';
import { invalidatingListCounts } from '@/lib/db/list-counts-cache';
import { keysetPage } from '@/lib/db/cursor';
import { adviceFor, DRIFT_KIND_LABELS, type DriftAdvice } from '@/lib/discovery/drift-advice';
import { driftCounts, driftRows, scannedConnections, type DriftKind, type DriftRow, type ScannedConnection } from '@/lib/discovery/drift';
import { decodeDriftCursor, encodeDriftCursor, ZDriftFix, ZDriftQuery, type FixableKind, type TDriftFix, type TDriftQuery } from '@/lib/discovery/drift-input';
import { InputError, NotFoundError } from '@/lib/errors';
import { ProviderError } from '@/lib/providers/errors';
import { parseInput } from '@/lib/validation/parse';
import { nextDueOf } from '@/lib/rotation/next-due';
import { uuidOrNil } from '@/lib/validation/ids';
import { writeLabels } from '@/lib/values/write-service';

const PAGE_SIZE = 50;

export type DriftFinding = DriftAdvice & {
  kind: DriftKind;
  kindLabel: string;
  secret: { id: string; name: string; environment: string; ownerTeam: { id: string; name: string } };
  connection: { id: string; name: string; kind: string };
  scannedAt: string;
  /** Sent back with a fix: the finding as shown. */
  seen: string;
  /** Whether the caller may click the fix (the data layer decides again). */
  mayFix: boolean;
};

export type DriftReport = {
  items: DriftFinding[];
  nextCursor: string | null;
  counts: Record<DriftKind, number>;
  connections: ScannedConnection[];
  filter: { connection: string | null; kind: DriftKind | null };
};

/** The facts each kind is judged on: a fix applies only while they are as the person saw them. */
function factsOf(row: DriftRow): (string | boolean | null)[] {
  switch (row.kind) {
    case 'last_rotated_mismatch':
      return [row.last_rotated_at, row.provider_changed_at];
    case 'tags_mismatch':
      return [row.owner_label, row.environment_label, row.expected_owner, row.expected_environment];
    case 'out_of_band_version':
      return [row.current_version_id, row.newest_recorded_version_id];
    default:
      return [row.discovered, row.gone_at, row.deletion_at, row.rotation_enabled, row.rotation_strategy];
  }
}

/**
 * The finding as the page showed it: sha256 of the JSON array [kind, secret id, ...facts]
 * (times as ISO text to the millisecond). Nothing secret goes in, so a plain hash will do;
 * it only has to change when the facts do.
 */
export function driftSeenToken(row: DriftRow): string {
  return createHash('sha256')
    .update(JSON.stringify([row.kind, row.secret_id, ...factsOf(row)]))
    .digest('hex');
}

async function fixableTeams(caller: Caller): Promise<'all' | Set<string>> {
  const user = caller.user;
  if (!user || !callerCan(caller, 'secrets.write')) return new Set();
  if (actsOnEveryTeam(user)) return 'all';
  const rows = await db.teamMember.findMany({ where: { userId: user.id }, select: { teamId: true } });
  return new Set(rows.map((r) => r.teamId));
}

function findingOf(row: DriftRow, teams: 'all' | Set<string>): DriftFinding {
  return {
    ...adviceFor(row),
    kind: row.kind,
    kindLabel: DRIFT_KIND_LABELS[row.kind],
    secret: { id: row.secret_id, name: row.secret_name, environment: row.environment, ownerTeam: { id: row.team_id, name: row.team_name } },
    connection: { id: row.connection_id, name: row.connection_name, kind: row.connection_kind },
    scannedAt: row.scanned_at,
    seen: driftSeenToken(row),
    mayFix: teams === 'all' || teams.has(row.team_id),
  };
}

/** The report, overall or for one connection and/or kind (the page's URL). */
export async function listDrift(caller: Caller, query: TDriftQuery = {}): Promise<DriftReport> {
  await authorize(caller, 'secrets.read', { action: 'drift.list', targetType: 'secret' });
  const q = parseInput(ZDriftQuery, query);
  const scope = { connectionId: q.connection ?? null, kind: q.kind ?? null };
  const [rows, counts, connections, teams] = await Promise.all([
    driftRows(scope, decodeDriftCursor(q.cursor), PAGE_SIZE),
    driftCounts(scope),
    scannedConnections(),
    fixableTeams(caller),
  ]);
  const page = keysetPage(
    rows,
    PAGE_SIZE,
    (r) => findingOf(r, teams),
    (last) => encodeDriftCursor({ name: last.secret_name, id: last.secret_id, kind: last.kind }),
  );
  return { ...page, counts, connections, filter: { connection: scope.connectionId, kind: scope.kind } };
}

/** One secret's findings, for its detail page (a secret has at most one of each kind). */
export async function secretDrift(caller: Caller, secretId: string): Promise<DriftFinding[]> {
  await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const [rows, teams] = await Promise.all([driftRows({ secretId: uuidOrNil(secretId) }, null, 10), fixableTeams(caller)]);
  return rows.map((r) => findingOf(r, teams));
}

const FIX_ACTIONS: Record<FixableKind, string> = {
  last_rotated_mismatch: 'secret.drift_last_rotated',
  tags_mismatch: 'secret.drift_labels_written',
  out_of_band_version: 'secret.drift_version_recorded',
};

const STALE = 'The report is out of date: the inventory or the provider changed since the page was loaded. Reload the page and look again.';
const GONE = 'This finding is gone: the inventory and the provider agree now, or a newer scan changed the picture. Reload the page.';

/** The finding as it stands now, if it is still the one the person saw; refusals are audited. */
async function recheck(client: Pick<Tx, '$queryRaw'>, caller: Caller, input: { secretId: string; kind: FixableKind; seen: string }, action: string) {
  const [row] = await driftRows({ secretId: input.secretId, kind: input.kind }, null, 1, client);
  if (row && driftSeenToken(row) === input.seen) return row;
  await recordAudit(db, caller, {
    action,
    outcome: 'failed',
    targetType: 'secret',
    targetId: input.secretId,
    detail: { error: row ? 'stale' : 'no_longer_drifts' },
  });
  throw new InputError(row ? STALE : GONE);
}

/** Applies the one-click fix of a finding. Returns a sentence saying what was done. */
export async function fixDrift(caller: Caller, raw: TDriftFix): Promise<{ done: string }> {
  const input = parseInput(ZDriftFix, raw);
  const action = FIX_ACTIONS[input.kind];
  await authorizeActionOn(caller, 'secrets.write', action, { secretId: input.secretId });
  const target = { ...input, secretId: uuidOrNil(input.secretId) };
  if (input.kind === 'tags_mismatch') return writeProviderLabels(caller, target, action);
  return db
    .$transaction(async (tx) => {
      // The row lock serializes two clicks (and an edit): the second re-check sees the first's change.
      await tx.$executeRaw`SELECT 1 FROM secrets WHERE id = ${target.secretId}::uuid FOR UPDATE`;
      const row = await recheck(tx, caller, target, action);
      return input.kind === 'last_rotated_mismatch' ? takeLastRotated(tx, caller, row, action) : recordOutsideVersion(tx, caller, row, action);
    })
    .then(invalidatingListCounts);
}

async function takeLastRotated(tx: Tx, caller: Caller, row: DriftRow, action: string): Promise<{ done: string }> {
  const secret = await tx.secret.findUnique({
    where: { id: row.secret_id },
    select: { lastRotatedAt: true, rotationIntervalDays: true, createdAt: true, classification: true, reminderDays: true, expiresAt: true },
  });
  if (!secret || !row.provider_changed_at) throw new NotFoundError('This secret does not exist.');
  const lastRotatedAt = new Date(row.provider_changed_at);
  // The credential is the same one (only its date is corrected), so its expiry stays.
  const nextDueAt = await nextDueOf(tx, { ...secret, lastRotatedAt });
  await tx.secret.update({ where: { id: row.secret_id }, data: { lastRotatedAt, nextDueAt } });
  await recordAudit(tx, caller, {
    action,
    targetType: 'secret',
    targetId: row.secret_id,
    environment: row.environment,
    // As an edit records it: the next due date follows from it and is not an event of its own.
    changes: { lastRotatedAt: { before: secret.lastRotatedAt?.toISOString() ?? null, after: lastRotatedAt.toISOString() } },
    detail: { connection: row.connection_name, source: 'provider' },
  });
  return { done: `Last rotated is now ${row.provider_changed_at.slice(0, 10)}, as the provider says.` };
}

/**
 * The honest record of a version the dashboard did not write: a version row with source
 * "outside", no author and no fingerprint (nobody here saw the value, and the value is not
 * read to make one), noting who recorded it. The Secrets Management tab then shows it as
 * written outside this dashboard, and the history has the event.
 */
async function recordOutsideVersion(tx: Tx, caller: Caller, row: DriftRow, action: string): Promise<{ done: string }> {
  const versionId = row.current_version_id;
  if (!versionId) throw new InputError(GONE);
  const recordedBy = caller.user?.email ?? 'unknown';
  await tx.secretVersion.create({
    data: {
      secretId: row.secret_id,
      connectionId: row.connection_id,
      providerRef: row.provider_ref,
      providerVersionId: versionId,
      idempotencyToken: randomUUID(),
      source: 'outside',
      fingerprint: null,
      note: `Written outside this dashboard; recorded from the drift report by ${recordedBy}`,
    },
  });
  await recordAudit(tx, caller, {
    action,
    targetType: 'secret',
    targetId: row.secret_id,
    environment: row.environment,
    detail: { versionId, provider: row.connection_kind, connection: row.connection_name, source: 'outside' },
  });
  return { done: `Version ${versionId} is recorded as written outside this dashboard.` };
}

/**
 * The provider write goes first (through the write service and its bounds); the snapshot
 * then gets the labels written, with the audit event, so the report shows the fix without
 * waiting for the next scan (which reads them again anyway).
 */
async function writeProviderLabels(caller: Caller, input: { secretId: string; kind: FixableKind; seen: string }, action: string): Promise<{ done: string }> {
  const row = await recheck(db, caller, input, action);
  const secret = await db.secret.findUnique({
    where: { id: row.secret_id },
    select: {
      status: true,
      providerRef: true,
      connection: { select: { id: true, name: true, kind: true, region: true, roleArn: true, projectId: true, location: true, endpoint: true } },
    },
  });
  if (!secret?.connection) throw new NotFoundError('This secret is not connected to a provider.');
  const audit = { action, targetType: 'secret', targetId: row.secret_id, environment: row.environment } as const;
  let labels: Record<string, string>;
  try {
    labels = await writeLabels(
      {
        secretId: row.secret_id,
        name: row.secret_name,
        environment: row.environment,
        ownerTeam: row.team_name,
        connection: secret.connection,
        providerRef: secret.providerRef,
      },
      secret,
    );
  } catch (error) {
    await recordAudit(db, caller, { ...audit, outcome: 'failed', detail: { error: error instanceof ProviderError ? error.code : 'refused' } });
    throw error;
  }
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE discovered_secrets
      SET labels = labels || jsonb_build_object('owner', ${row.expected_owner}::text, 'environment', ${row.expected_environment}::text)
      WHERE connection_id = ${row.connection_id}::uuid AND provider_key = (SELECT provider_key FROM secrets WHERE id = ${row.secret_id}::uuid)`;
    await recordAudit(tx, caller, {
      ...audit,
      changes: {
        ownerLabel: { before: row.owner_label, after: row.expected_owner },
        environmentLabel: { before: row.environment_label, after: row.expected_environment },
      },
      detail: { connection: row.connection_name, provider: row.connection_kind, labels: Object.keys(labels).join(', ') },
    });
  });
  return { done: `The provider secret now has owner=${row.expected_owner} and environment=${row.expected_environment}.` };
}
