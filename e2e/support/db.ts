// Direct access to the e2e database for specs: seeding rows the app then reads, and
// re-reading tables to prove what an action did or did not change. Plain SQL through
// pg, never the app's own data layer (the code under test does not build its fixtures).
import { createHash, randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import type { Role } from '../../generated/prisma/enums';
import { appendStatement, chainEvents, HEAD_FOR_UPDATE, type ChainHeadRow, type EventContent } from '../../lib/audit/chain-append';

export type Db = pg.Pool;

export function openDb(url: string): Db {
  return new pg.Pool({ connectionString: url, max: 2 });
}

export const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

// The app's parameters (lib/auth/password.ts): argon2id, OWASP's recommendation.
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const hashes = new Map<string, Promise<string>>();
const hashPassword = (password: string) => {
  if (!hashes.has(password)) hashes.set(password, hash(password, ARGON2ID));
  return hashes.get(password)!;
};

export const DEFAULT_PASSWORD = 'e2e-correct-horse-battery-staple';

export type SeededUser = { id: string; email: string; name: string; role: Role; password: string };

export async function insertUser(
  db: Db,
  role: Role,
  options: { email?: string; name?: string; password?: string; status?: 'active' | 'disabled' } = {},
): Promise<SeededUser> {
  const email = options.email ?? `${unique(`e2e-${role}`)}@example.test`;
  const name = options.name ?? `E2E ${role}`;
  const password = options.password ?? DEFAULT_PASSWORD;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (id, email, name, role, status, password_hash, updated_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now()) RETURNING id`,
    [email, name, role, options.status ?? 'active', await hashPassword(password)],
  );
  return { id: rows[0].id, email, name, role, password };
}

export async function setUserStatus(db: Db, userId: string, status: 'active' | 'disabled'): Promise<void> {
  await db.query(`UPDATE users SET status = $2, updated_at = now() WHERE id = $1`, [userId, status]);
}

// Catalog rows for actions that need real targets: a denial test only proves something
// when the arguments would have worked for a caller with the permission.
export async function insertTeam(db: Db, name = unique('e2e-team')): Promise<{ id: string; name: string }> {
  const { rows } = await db.query<{ id: string }>(`INSERT INTO teams (id, name, updated_at) VALUES (gen_random_uuid(), $1, now()) RETURNING id`, [name]);
  return { id: rows[0].id, name };
}

/** Puts a user in a team (team-scoped actions on the team's secrets need it). */
export async function insertTeamMember(db: Db, teamId: string, userId: string): Promise<void> {
  await db.query(`INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [teamId, userId]);
}

/** Puts a user in the team that owns a secret. */
export async function joinOwningTeam(db: Db, secretId: string, userId: string): Promise<void> {
  await db.query(`INSERT INTO team_members (team_id, user_id) SELECT owner_team_id, $2 FROM secrets WHERE id = $1 ON CONFLICT DO NOTHING`, [secretId, userId]);
}

export async function insertSystem(db: Db, ownerTeamId: string, name = unique('e2e-system')): Promise<{ id: string; name: string }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO systems (id, name, owner_team_id, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id`,
    [name, ownerTeamId],
  );
  return { id: rows[0].id, name };
}

export async function environmentId(db: Db, name: 'development' | 'staging' | 'production' = 'production'): Promise<string> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM environments WHERE name = $1`, [name]);
  if (!rows[0]) throw new Error(`environment ${name} is missing from the migrated template`);
  return rows[0].id;
}

export async function insertSecret(db: Db, options: { ownerTeamId: string; environmentId: string; name?: string }): Promise<{ id: string; name: string }> {
  const name = options.name ?? unique('e2e-secret');
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO secrets (id, name, environment_id, owner_team_id, classification, search_text, updated_at)
     VALUES (gen_random_uuid(), $1, $2, $3, 'important', lower($1), now()) RETURNING id`,
    [name, options.environmentId, options.ownerTeamId],
  );
  return { id: rows[0].id, name };
}

/** A provider connection; the local development store unless told otherwise. */
export async function insertConnection(
  db: Db,
  options: { kind?: 'aws' | 'gcp' | 'local'; region?: string; projectId?: string; endpoint?: string } = {},
): Promise<{ id: string; name: string }> {
  const name = unique(`e2e-${options.kind ?? 'local'}-connection`);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO provider_connections (id, name, kind, region, project_id, endpoint, updated_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now()) RETURNING id`,
    [name, options.kind ?? 'local', options.region ?? null, options.projectId ?? null, options.endpoint ?? null],
  );
  return { id: rows[0].id, name };
}

/**
 * Cloud secrets a completed discovery scan of `connectionId` saw (what the Unmanaged view,
 * adoption and drift read), each with its tags or labels; returns their ids in order.
 */
export async function insertDiscovered(db: Db, connectionId: string, secrets: { providerKey: string; labels?: Record<string, string> }[]): Promise<string[]> {
  const { rows: scan } = await db.query<{ id: string }>(
    `INSERT INTO discovery_scans (id, connection_id, trigger, status, finished_at) VALUES (gen_random_uuid(), $1, 'manual', 'completed', now()) RETURNING id`,
    [connectionId],
  );
  const ids: string[] = [];
  for (const s of secrets) {
    const labels = s.labels ?? {};
    const searchText = [s.providerKey, ...Object.entries(labels).flat()].join(' ').toLowerCase();
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO discovered_secrets (id, connection_id, provider_key, resource_name, labels, first_seen_at, last_seen_at, last_scan_id, search_text)
       VALUES (gen_random_uuid(), $1, $2, $2, $3, now(), now(), $4, $5) RETURNING id`,
      [connectionId, s.providerKey, JSON.stringify(labels), scan[0].id, searchText],
    );
    ids.push(rows[0].id);
  }
  return ids;
}

/** An audit sink (Settings → Audit streaming), starting after the current chain head. */
export async function insertAuditSink(db: Db, options: { endpoint?: string; enabled?: boolean } = {}): Promise<{ id: string; name: string }> {
  const name = unique('e2e-sink');
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO audit_sinks (id, name, kind, endpoint, allow_plaintext, enabled, start_seq, acked_seq, updated_at)
     SELECT gen_random_uuid(), $1, 'syslog', $2, true, $3, seq, seq, now() FROM audit_chain_head WHERE id = 1 RETURNING id`,
    [name, options.endpoint ?? '127.0.0.1:9', options.enabled ?? true],
  );
  return { id: rows[0].id, name };
}

/** A notification channel (the given events), posting to `url`, or an email channel to `recipients`, routed as given. */
export async function insertChannel(
  db: Db,
  options: {
    url?: string;
    kind?: 'webhook' | 'slack' | 'email';
    recipients?: string[];
    teamIds?: string[];
    classifications?: string[];
    events?: string[];
    enabled?: boolean;
  } = {},
): Promise<{ id: string; name: string }> {
  const name = unique('e2e-channel');
  const email = options.kind === 'email';
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO notification_channels (id, name, kind, url, recipients, team_ids, classifications, events, enabled, updated_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::"Classification"[], $7, $8, now()) RETURNING id`,
    [
      name,
      options.kind ?? 'webhook',
      email ? null : (options.url ?? 'http://127.0.0.1:9/e2e-hook'),
      email ? (options.recipients ?? ['e2e@example.test']) : [],
      options.teamIds ?? [],
      options.classifications ?? [],
      options.events ?? ['rotation.completed', 'rotation.failed'],
      options.enabled ?? true,
    ],
  );
  return { id: rows[0].id, name };
}

/** Points a secret at a connection and a provider reference. */
export async function connectSecret(db: Db, secretId: string, connectionId: string, providerRef: string): Promise<void> {
  await db.query(
    `UPDATE secrets SET connection_id = $2, provider_ref = $3,
       provider_kind = (SELECT kind::text::"ProviderKind" FROM provider_connections WHERE id = $2) WHERE id = $1`,
    [secretId, connectionId, providerRef],
  );
}

/**
 * Puts a secret under the two-person rule: the Sensitive policy requires approval and the
 * secret becomes Sensitive (seeded secrets are Important, which other specs rely on).
 */
export async function gateSecret(db: Db, secretId: string): Promise<void> {
  await db.query(`UPDATE classification_policies SET require_approval = true WHERE classification = 'sensitive'`);
  await db.query(`UPDATE secrets SET classification = 'sensitive' WHERE id = $1`, [secretId]);
}

/** A two-person-rule request by `requester`, pending (or already approved) and unexpired. */
export async function insertApproval(
  db: Db,
  secretId: string,
  requester: { id: string; email: string },
  state: 'pending' | 'approved' = 'pending',
  kind: 'value_write' | 'rotation' = 'value_write',
): Promise<{ id: string }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO change_approvals (id, secret_id, kind, state, requested_by_id, requested_by_email, expires_at)
     VALUES (gen_random_uuid(), $1, $5, $2, $3, $4, now() + interval '1 day') RETURNING id`,
    [secretId, state, requester.id, requester.email, kind],
  );
  return rows[0];
}

/** A rotation run in a given state, made the secret's active one unless it is finished.
 *  Its next step is due in a day, so the e2e worker (whose sweep advances due runs within
 *  seconds) leaves the fixture as the test made it. */
export async function insertRotationRun(
  db: Db,
  secretId: string,
  run: { state: string; strategy?: string; previousVersionId?: string | null; newVersionId?: string | null; heldAt?: Date | null },
): Promise<{ id: string }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO rotation_runs (id, write_token, secret_id, strategy, trigger, state, grace_hours, previous_version_id, new_version_id,
                                grace_ends_at, promoted_at, next_attempt_at, updated_at)
     VALUES (gen_random_uuid(), gen_random_uuid(), $1, $2::"RotationStrategy", 'manual', $3::"RotationState", 24, $4, $5,
             CASE WHEN $3 = 'in_grace' THEN now() + interval '1 day' END, CASE WHEN $3 = 'in_grace' THEN now() END,
             now() + interval '1 day', now())
     RETURNING id`,
    [secretId, run.strategy ?? 'manual', run.state, run.previousVersionId ?? null, run.newVersionId ?? null],
  );
  // The inputs a run fixes at start (lib/rotation/inputs.ts), from the secret as it is now.
  await db.query(
    `UPDATE rotation_runs r SET inputs = jsonb_build_object(
        'providerRef', s.provider_ref,
        'connection', jsonb_build_object('id', c.id, 'name', c.name, 'kind', c.kind, 'region', c.region, 'roleArn', c.role_arn,
                                         'projectId', c.project_id, 'location', c.location, 'endpoint', c.endpoint),
        'strategy', r.strategy, 'config', s.rotation_config, 'admin', NULL)
     FROM secrets s JOIN provider_connections c ON c.id = s.connection_id
     WHERE s.id = r.secret_id AND r.id = $1`,
    [rows[0].id],
  );
  // A grace period that ended with stragglers and a policy that holds the retirement.
  if (run.heldAt) await db.query('UPDATE rotation_runs SET held_at = $2 WHERE id = $1', [rows[0].id, run.heldAt]);
  if (!['completed', 'failed', 'rolled_back', 'cancelled'].includes(run.state)) {
    await db.query('UPDATE secrets SET active_rotation_id = $2 WHERE id = $1', [secretId, rows[0].id]);
  }
  return rows[0];
}

/** A consumer's adoption row of a run in its grace period (lib/rotation/adoption): the
 *  declared system (systemId) or an undeclared reader (label only). */
export async function insertAdoption(
  db: Db,
  runId: string,
  row: { systemId?: string; label: string; movedAt?: Date | null; onOld?: boolean; observable?: boolean; evidence?: Record<string, unknown> },
): Promise<void> {
  await db.query(
    `INSERT INTO rotation_adoptions (id, run_id, consumer_key, system_id, label, declared, observable, moved_at, on_old, old_seen_at, evidence, updated_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8 THEN now() END, $9, now())`,
    [
      runId,
      row.systemId ? `system:${row.systemId}` : `session:${row.label}`,
      row.systemId ?? null,
      row.label,
      Boolean(row.systemId),
      row.observable ?? true,
      row.movedAt ?? null,
      row.onOld ?? false,
      JSON.stringify(row.evidence ?? {}),
    ],
  );
}

/** An open incident on the secret, optionally with every checklist step already done. */
export async function insertIncident(db: Db, secretId: string, allStepsDone = false): Promise<{ id: string }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO incidents (id, secret_id, reason) VALUES (gen_random_uuid(), $1, 'Seeded by the e2e tests') RETURNING id`,
    [secretId],
  );
  if (allStepsDone) {
    await db.query(
      `INSERT INTO incident_step_checks (incident_id, step)
       SELECT $1, unnest(enum_range(NULL::"IncidentStep"))`,
      [rows[0].id],
    );
  }
  return rows[0];
}

/**
 * Audit events as the app writes them: appended to the hash chain (the app's own chain
 * statement, so the trail still verifies), at the database's now. Unset columns are null.
 */
export async function insertAuditEvents(db: Db, events: (Partial<EventContent> & Pick<EventContent, 'action'>)[]): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<ChainHeadRow>(HEAD_FOR_UPDATE, [events.length]);
    const chained = chainEvents(
      { ...rows[0], seq: BigInt(rows[0].seq) },
      events.map((e) => ({
        occurred_at: rows[0].now,
        actor_id: null,
        actor_email: null,
        actor_role: null,
        target_type: null,
        target_id: null,
        environment: null,
        outcome: 'success',
        ip: null,
        user_agent: null,
        request_id: null,
        changes: null,
        detail: null,
        ...e,
      })),
    );
    const statement = appendStatement(chained);
    await client.query(statement.text, statement.values);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Columns the background worker (running beside the tests) may write at any moment: the
 * due-date reminder and overdue notice marks (lib/rotation/jobs.ts), a discovery scan's
 * progress. Left out of
 * snapshots, or a notice sent mid-test reads as a change. (They leave updated_at alone.)
 */
const WORKER_COLUMNS: Record<string, string[]> = {
  // A sink's cursor and delivery state (lib/audit-stream/deliver.ts): the worker streams to every enabled sink.
  audit_sinks: ['acked_seq', 'last_attempt_at', 'last_success_at', 'last_error', 'consecutive_failures'],
  secrets: ['reminded_for_due_at', 'overdue_notice_for_due_at', 'expiry_notice_for_at'],
  // When a connection's fingerprint backfill last ran (lib/values/fingerprint-backfill.ts): the worker's daily job.
  provider_connections: ['fingerprint_backfill_at'],
  // A scan's progress and outcome (lib/discovery/scan.ts): the worker runs a started scan.
  discovery_scans: [
    'status',
    'finished_at',
    'page_token',
    'pages',
    'seen',
    'provider_calls',
    'throttled',
    'unmanaged',
    'new_unmanaged',
    'gone',
    'error_code',
    'error',
  ],
};

/**
 * Every row of the named tables, in a stable order, for before/after comparison.
 * Compare snapshots with toEqual: any insert, update or delete shows up (in any column
 * but those the worker maintains).
 */
export async function snapshotTables(db: Db, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
    const dropped = (WORKER_COLUMNS[table] ?? []).map((c) => ` - '${c}'`).join('');
    const { rows } = await db.query(`SELECT to_jsonb(t)${dropped} AS row FROM "${table}" t ORDER BY (to_jsonb(t)${dropped})::text`);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

export type AuditRow = {
  id: number;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: Role | null;
  action: string;
  outcome: 'success' | 'denied' | 'failed';
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown> | null;
  changes: Record<string, unknown> | null;
  requestId: string | null;
};

export type AuditFilter = {
  action?: string;
  outcome?: AuditRow['outcome'];
  actorId?: string;
  actorEmail?: string;
  targetId?: string;
  /** Only events with a larger id: take `latestAuditId()` before the step under test. */
  afterId?: number;
  /** The background worker (running beside the app) advances rotations left open by other
   *  specs at its own pace; its events are left out unless asked for. */
  includeWorker?: boolean;
};

export async function latestAuditId(db: Db): Promise<number> {
  const { rows } = await db.query<{ id: string | null }>(`SELECT max(id)::text AS id FROM audit_events`);
  return Number(rows[0].id ?? 0);
}

export async function auditEvents(db: Db, filter: AuditFilter = {}): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.action) add('action = ?', filter.action);
  if (filter.outcome) add('outcome = ?::"AuditOutcome"', filter.outcome);
  if (filter.actorId) add('actor_id = ?::uuid', filter.actorId);
  if (filter.actorEmail) add('actor_email = ?', filter.actorEmail);
  if (filter.targetId) add('target_id = ?', filter.targetId);
  if (filter.afterId !== undefined) add('id > ?', filter.afterId);
  // The background worker's own events (rotation steps, and the once-a-minute summary of
  // signed-out denials other tests caused) land whenever it runs: left out unless asked for.
  if (!filter.includeWorker) where.push(`actor_email IS DISTINCT FROM 'rotation-worker' AND action <> 'auth.signed_out_denials'`);
  const { rows } = await db.query(
    `SELECT id::int AS id, actor_id AS "actorId", actor_email AS "actorEmail", actor_role AS "actorRole", action, outcome,
            target_type AS "targetType", target_id AS "targetId", detail, changes, request_id AS "requestId"
       FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
    params,
  );
  return rows as AuditRow[];
}

/** A completed discovery scan of a connection, started now (the drift report judges only scanned connections). */
export async function insertDiscoveryScan(db: Db, connectionId: string): Promise<{ id: string; connectionId: string }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO discovery_scans (id, connection_id, trigger, status, started_at, finished_at)
     VALUES (gen_random_uuid(), $1, 'manual', 'completed', now(), now()) RETURNING id`,
    [connectionId],
  );
  return { id: rows[0].id, connectionId };
}

/** What a scan saw of one provider secret (a discovered_secrets row), as a scan leaves it. */
export async function insertDiscoveredSecret(
  db: Db,
  scan: { id: string; connectionId: string },
  providerKey: string,
  fields: { labels?: Record<string, string>; newestVersionAt?: string; currentVersionId?: string; deletionAt?: string } = {},
): Promise<void> {
  await db.query(
    `INSERT INTO discovered_secrets (id, connection_id, provider_key, resource_name, labels, newest_version_at, current_version_id, deletion_at,
       first_seen_at, last_seen_at, last_scan_id)
     VALUES (gen_random_uuid(), $1, $2, $2, $3, $4, $5, $6, now(), now(), $7)`,
    [
      scan.connectionId,
      providerKey,
      JSON.stringify(fields.labels ?? {}),
      fields.newestVersionAt ?? null,
      fields.currentVersionId ?? null,
      fields.deletionAt ?? null,
      scan.id,
    ],
  );
}

/**
 * An AWS-connected secret whose last rotated date (`lastRotatedAt`) is far from the
 * provider's newest version (`providerAt`), created a day before its connection's scan:
 * one last_rotated_mismatch finding. Returns the fix's arguments as the page sends them
 * (the seen token is lib/data/drift.ts driftSeenToken: sha256 of [kind, secret id, facts]).
 */
export async function insertRotationDrift(
  db: Db,
  secret: { id: string; name: string },
  times: { lastRotatedAt: string; providerAt: string },
): Promise<{ secretId: string; kind: 'last_rotated_mismatch'; seen: string }> {
  const connection = await insertConnection(db, { kind: 'aws', region: 'eu-west-1' });
  const ref = `production/${secret.name}`;
  await connectSecret(db, secret.id, connection.id, ref);
  await db.query(`UPDATE secrets SET provider_key = $2, last_rotated_at = $3, created_at = now() - interval '1 day' WHERE id = $1`, [
    secret.id,
    ref,
    times.lastRotatedAt,
  ]);
  const scan = await insertDiscoveryScan(db, connection.id);
  await insertDiscoveredSecret(db, scan, ref, { newestVersionAt: times.providerAt });
  const kind = 'last_rotated_mismatch' as const;
  const seen = createHash('sha256')
    .update(JSON.stringify([kind, secret.id, times.lastRotatedAt, times.providerAt]))
    .digest('hex');
  return { secretId: secret.id, kind, seen };
}

/** A running leak-check scan started by `userId` (the CLI's kind), for the routes that add to or finish one. */
export async function insertLeakScan(db: Db, userId: string | null): Promise<{ id: string }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO leak_scans (id, kind, label, started_by_id) VALUES (gen_random_uuid(), 'cli', 'seeded by the e2e tests', $1) RETURNING id`,
    [userId],
  );
  return rows[0];
}

/** A finding of a leak scan: of `secretId` (its current value), or a pattern rule's when null. */
export async function insertLeakFinding(db: Db, scanId: string, secretId: string | null): Promise<{ id: string }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO leak_findings (id, scan_id, severity, secret_id, provider_version_id, rule_id, path, line, preview)
     VALUES (gen_random_uuid(), $1, $2::"LeakSeverity", $3, $4, $5, 'config/app.env', 7, 'API_KEY=•••• (40 chars)') RETURNING id`,
    [scanId, secretId ? 'current_value' : 'pattern', secretId, secretId ? '1' : null, secretId ? null : '@secretlint/secretlint-rule-aws'],
  );
  await db.query(`UPDATE leak_scans SET finding_count = finding_count + 1 WHERE id = $1`, [scanId]);
  return rows[0];
}
