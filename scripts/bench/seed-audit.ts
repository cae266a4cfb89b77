// Seeds the bench database's audit trail and provider access history at scale.
//   - Audit events: hash-chained in Node with lib/audit/chain-hash.ts's own eventHash (the same
//     canonical form the app appends with), streamed into audit_events with COPY FROM
//     STDIN, and the chain head moved to the last one, so `npm run audit:verify` passes
//     and the app's later appends continue the chain.
//   - Access events: set-based SQL over the seeded secrets and systems.
// Each part commits in one transaction together with its row in bench_seed, so a part is
// either seeded completely or not at all, and a later run skips what is there.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { eventHash, type ChainedRow } from '@/lib/audit/chain-hash';
import { prng } from './prng';

export const AUDITOR_EMAIL = 'auditor@example.test';
export const AUDITOR_PASSWORD = 'bench-auditor-password-not-secret';
/** The seeded actors' emails: user-000@bench.example ... */
export const ACTOR_DOMAIN = 'bench.example';
const ACTORS = 60;
const AUDIT_SPAN_DAYS = 730;
const ACCESS_SPAN_DAYS = 365;

/** The parts already seeded and their sizes (the bench_seed table is the bench's own). */
export async function seededParts(client: pg.ClientBase): Promise<Map<string, number>> {
  await client.query('CREATE TABLE IF NOT EXISTS bench_seed (part text PRIMARY KEY, rows bigint NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())');
  const { rows } = await client.query<{ part: string; rows: string }>('SELECT part, rows FROM bench_seed');
  return new Map(rows.map((r) => [r.part, Number(r.rows)]));
}

export async function markSeeded(client: pg.ClientBase, part: string, rows: number): Promise<void> {
  await client.query('INSERT INTO bench_seed (part, rows) VALUES ($1, $2)', [part, rows]);
}

// ---------------------------------------------------------------------------
// Audit events

type Actor = { id: string; email: string; role: 'admin' | 'engineer' | 'viewer' | 'auditor' };
type Target = { id: string; environment: string };

/** What happened, how often (weights), and what it touches. */
const ACTIONS: { action: string; weight: number; target: 'secret' | 'user' | 'system' | 'team' | 'none' }[] = [
  { action: 'secret.update', weight: 18, target: 'secret' },
  { action: 'auth.sign_in', weight: 18, target: 'user' },
  { action: 'secret.value_write', weight: 8, target: 'secret' },
  { action: 'secret.read', weight: 6, target: 'secret' },
  { action: 'auth.sign_out', weight: 5, target: 'user' },
  { action: 'secret.create', weight: 5, target: 'secret' },
  { action: 'rotation.start', weight: 5, target: 'secret' },
  { action: 'rotation.value_written', weight: 4, target: 'secret' },
  { action: 'rotation.verified', weight: 4, target: 'secret' },
  { action: 'rotation.promoted', weight: 4, target: 'secret' },
  { action: 'rotation.grace_ended', weight: 3, target: 'secret' },
  { action: 'secret.list', weight: 3, target: 'none' },
  { action: 'system.update', weight: 3, target: 'system' },
  { action: 'team.update', weight: 2, target: 'team' },
  { action: 'rotation.failed', weight: 1, target: 'secret' },
  { action: 'secret.decommission', weight: 1, target: 'secret' },
  { action: 'inventory.export', weight: 1, target: 'none' },
  { action: 'provider_connection.test', weight: 1, target: 'none' },
  { action: 'user.role_change', weight: 0.5, target: 'user' },
  { action: 'audit.export', weight: 0.5, target: 'none' },
  { action: 'policy.update', weight: 0.5, target: 'none' },
  { action: 'secret.mark_compromised', weight: 0.2, target: 'secret' },
];
const TOTAL_WEIGHT = ACTIONS.reduce((s, a) => s + a.weight, 0);
const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'secret-inventory-worker/1.0',
];
const FIELDS = ['description', 'rotationIntervalDays', 'classification', 'ownerTeamId', 'tags', 'status'];

/** One CSV cell for COPY: null unquoted (NULL), anything else quoted. */
const cell = (v: string | null) => (v === null ? '' : `"${v.replaceAll('"', '""')}"`);

/**
 * The events as COPY csv chunks, chained from `head`. Timestamps rise with id over the last
 * two years, as the app's own appends (one clock, ids taken under the chain lock) do.
 */
function* auditCsv(
  count: number,
  firstId: number,
  head: { seq: number; hash: Buffer },
  actors: Actor[],
  secrets: Target[],
  others: Record<'user' | 'system' | 'team', string[]>,
  onEnd: (last: Buffer) => void,
) {
  const random = prng(5);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const end = Date.now() - 3_600_000;
  const start = end - AUDIT_SPAN_DAYS * 86_400_000;
  const step = (end - start) / count;
  let prev = head.hash;
  let lines: string[] = [];
  for (let i = 0; i < count; i++) {
    let r = random() * TOTAL_WEIGHT;
    let kind = ACTIONS[0];
    for (const a of ACTIONS)
      if ((r -= a.weight) < 0) {
        kind = a;
        break;
      }
    // A few busy people do most of the work; hot secrets change more often.
    const actor = actors[Math.floor(actors.length * random() ** 2)];
    const roll = random();
    const outcome = roll < 0.04 ? 'denied' : roll < 0.06 ? 'failed' : 'success';
    let target: { type: string | null; id: string | null; environment: string | null } = { type: null, id: null, environment: null };
    if (kind.target === 'secret') {
      const s = secrets[Math.floor(secrets.length * random() ** 3)];
      target = { type: 'secret', id: s.id, environment: s.environment };
    } else if (kind.target !== 'none') target = { type: kind.target, id: pick(others[kind.target]), environment: null };
    const unknownSignIn = kind.action === 'auth.sign_in' && outcome !== 'success' && random() < 0.5;
    let changes: unknown = null;
    let detail: unknown = null;
    if (outcome === 'denied') detail = { permission: 'secrets.write', reason: 'missing_permission' };
    else if (outcome === 'failed') detail = { error: kind.action.startsWith('auth') ? 'bad_credentials' : 'provider_unavailable' };
    else if (kind.action === 'secret.update') {
      const field = pick(FIELDS);
      changes = { [field]: { before: `${field} v${Math.floor(random() * 9)}`, after: `${field} v${Math.floor(random() * 9) + 1}` } };
    } else if (kind.action.startsWith('rotation.') || kind.action === 'secret.value_write') {
      detail = { runId: `run-${(i * 7919) % 1_000_003}`, provider: pick(['aws', 'gcp', 'local']) };
    }
    const row: ChainedRow = {
      id: String(firstId + i),
      seq: String(head.seq + i + 1),
      prev_hash: prev,
      occurred_at: new Date(Math.round(start + i * step)),
      actor_id: unknownSignIn ? null : actor.id,
      actor_email: unknownSignIn ? `someone-${i % 97}@unknown.example` : actor.email,
      actor_role: unknownSignIn ? null : actor.role,
      action: kind.action,
      target_type: target.type,
      target_id: target.id,
      environment: target.environment,
      outcome,
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      user_agent: pick(USER_AGENTS),
      request_id: `req-${(firstId + i).toString(16).padStart(12, '0')}`,
      changes,
      detail,
    };
    const digest = eventHash(row);
    lines.push(
      [
        row.id,
        row.seq,
        `\\x${prev.toString('hex')}`,
        `\\x${digest.toString('hex')}`,
        row.occurred_at.toISOString(),
        row.actor_id ?? '',
        cell(row.actor_email),
        row.actor_role ?? '',
        row.action,
        cell(row.target_type),
        cell(row.target_id),
        cell(row.environment),
        row.outcome,
        row.ip,
        cell(row.user_agent),
        row.request_id,
        changes === null ? '' : cell(JSON.stringify(changes)),
        detail === null ? '' : cell(JSON.stringify(detail)),
      ].join(','),
    );
    prev = digest;
    if (lines.length === 2000) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length) yield `${lines.join('\n')}\n`;
  onEnd(prev);
}

/** Seeded actors (users with accounts) and the auditor the bench signs in as. */
async function seedActors(client: pg.ClientBase): Promise<Actor[]> {
  const roles: Actor['role'][] = ['engineer', 'engineer', 'engineer', 'admin', 'viewer', 'auditor'];
  const { rows } = await client.query<Actor>(
    `INSERT INTO users (id, email, name, role, updated_at)
     SELECT gen_random_uuid(), 'user-' || lpad(g::text, 3, '0') || '@${ACTOR_DOMAIN}', 'Bench user ' || g,
            ($1::text[])[1 + g % ${roles.length}]::"Role", now()
     FROM generate_series(0, ${ACTORS - 1}) g
     RETURNING id::text AS id, email, role::text AS role`,
    [roles],
  );
  await client.query(
    `INSERT INTO users (id, email, name, role, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'Bench auditor', 'auditor', $2, now())`,
    [AUDITOR_EMAIL, await hash(AUDITOR_PASSWORD)],
  );
  return rows.sort((a, b) => a.email.localeCompare(b.email));
}

/** Runs one seeding step in a transaction of its own connection and records it as seeded. */
async function seedInTransaction(url: string, part: string, count: number, seed: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await seed(client);
    await markSeeded(client, part, count);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

export async function seedAuditEvents(url: string, count: number): Promise<void> {
  await seedInTransaction(url, 'audit_events', count, async (client) => {
    const actors = await seedActors(client);
    const secrets = (
      await client.query<Target>(`SELECT s.id::text AS id, e.name AS environment FROM secrets s JOIN environments e ON e.id = s.environment_id ORDER BY s.name`)
    ).rows;
    const ids = async (table: string) => (await client.query<{ id: string }>(`SELECT id::text AS id FROM ${table} ORDER BY id`)).rows.map((r) => r.id);
    const others = { user: actors.map((a) => a.id), system: await ids('systems'), team: await ids('teams') };
    // Under the chain lock, as the app appends: the seeded events follow the current head.
    const [head] = (await client.query<{ seq: string; hash: Buffer }>('SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE')).rows;
    const [{ first }] = (
      await client.query<{ first: string }>(`SELECT setval('audit_events_id_seq', nextval('audit_events_id_seq') + $1 - 1) - $1 + 1 AS first`, [count])
    ).rows;
    let last = head.hash;
    // COPY and the head move are two statements, so the check that every chained insert is
    // reached by the head (made at each statement's end, for the app's one-statement
    // appends) is off for this transaction; the head's own trigger still checks every link.
    await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_chained_at_head');
    const csv = auditCsv(count, Number(first), { seq: Number(head.seq), hash: head.hash }, actors, secrets, others, (h) => (last = h));
    await pipeline(
      Readable.from(csv),
      client.query(
        copyFrom(`COPY audit_events (id, seq, prev_hash, hash, occurred_at, actor_id, actor_email, actor_role, action, target_type,
                    target_id, environment, outcome, ip, user_agent, request_id, changes, detail) FROM STDIN WITH (FORMAT csv)`),
      ),
    );
    await client.query(
      `UPDATE audit_chain_head SET seq = seq + $1, hash = $2,
              last_occurred_at = GREATEST(last_occurred_at, (SELECT max(occurred_at) FROM audit_events)) WHERE id = 1`,
      [count, last],
    );
    await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_chained_at_head');
  });
}

// ---------------------------------------------------------------------------
// Access events

/**
 * Provider reads, mostly of a few hot secrets, by the systems' roles and service accounts,
 * over the last year. Two connections (AWS and GCP), each event keyed by its provider id.
 */
export async function seedAccessEvents(url: string, count: number): Promise<void> {
  await seedInTransaction(url, 'access_events', count, async (client) => {
    await client.query(`SELECT setseed(0.42)`);
    await client.query(`
      INSERT INTO provider_connections (id, name, kind, region, project_id, updated_at) VALUES
        (gen_random_uuid(), 'bench-aws', 'aws', 'eu-west-1', NULL, now()),
        (gen_random_uuid(), 'bench-gcp', 'gcp', NULL, 'bench-project', now())`);
    // Secrets and systems numbered and joined (indexing a 100,000-element array per row
    // would detoast it every time).
    await client.query(
      `WITH s AS (SELECT row_number() OVER (ORDER BY name)::int AS k, id, provider_ref FROM secrets),
            n AS (SELECT count(*)::int AS secrets FROM secrets),
            sys AS (SELECT row_number() OVER (ORDER BY name)::int - 1 AS k, name FROM systems),
            m AS (SELECT count(*)::int AS systems FROM systems),
            c AS (SELECT array_agg(id ORDER BY name) AS ids FROM provider_connections WHERE name IN ('bench-aws', 'bench-gcp')),
            base AS (
              SELECT g, 1 + floor(n.secrets * power(random(), 2))::int AS k, random() AS r, m.systems
              FROM generate_series(1, $1::int) g, n, m)
       INSERT INTO access_events (id, connection_id, provider_event_id, occurred_at, event_name, principal, principal_type,
                                  source_ip, user_agent, secret_ref, secret_id, error_code, summary)
       SELECT gen_random_uuid(), c.ids[1 + base.k % 2], 'bench-' || g,
              now() - interval '1 hour' - make_interval(secs => ($1::int - g) * ${ACCESS_SPAN_DAYS} * 86400.0 / $1::int),
              CASE WHEN base.k % 2 = 0
                   THEN (ARRAY['GetSecretValue','GetSecretValue','GetSecretValue','DescribeSecret','PutSecretValue'])[1 + g % 5]
                   ELSE (ARRAY['AccessSecretVersion','AccessSecretVersion','AccessSecretVersion','GetSecret','AddSecretVersion'])[1 + g % 5] END,
              CASE WHEN base.k % 2 = 0 THEN 'arn:aws:iam::123456789012:role/' || sys.name
                   ELSE sys.name || '@bench-project.iam.gserviceaccount.com' END,
              CASE WHEN base.k % 2 = 0 THEN 'AssumedRole' ELSE 'serviceAccount' END,
              '10.20.' || (g % 250) || '.' || (base.k % 250),
              CASE WHEN base.k % 2 = 0 THEN 'aws-sdk-js/3.700.0' ELSE 'grpc-node-js/1.12.0' END,
              s.provider_ref, s.id,
              CASE WHEN r < 0.03 THEN (CASE WHEN base.k % 2 = 0 THEN 'AccessDenied' ELSE 'PERMISSION_DENIED' END) END,
              jsonb_build_object('region', CASE WHEN base.k % 2 = 0 THEN 'eu-west-1' ELSE 'global' END, 'requestId', 'r-' || g)
       FROM base
       JOIN s ON s.k = base.k
       -- each secret is read by five systems' principals
       JOIN sys ON sys.k = (base.k * 7 + g % 5) % base.systems
       CROSS JOIN c`,
      [count],
    );
  });
}
