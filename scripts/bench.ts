// `npm run bench`: the inventory list at 100,000 secrets.
//   1. A fresh database (DATABASE_URL's local server, or an embedded PostgreSQL), seeded
//      with set-based SQL: 200 teams, 2,000 systems, 100,000 secrets over 3 environments.
//   2. The production server (`next build` first if there is no build).
//   3. autocannon, 20 concurrent clients, per view: the default list, a filtered view and
//      a search, signed in as a real user. p95 from every response's own latency.
//   4. The same page statement the list runs (lib/data/secret-list-sql.ts) over raw pg
//      connections at the same concurrency: the raw SQL p95 of the default view (and,
//      for information, its counts statement, which the app caches per view).
// Prints a table and, as its last line, one JSON object. Not a test: nothing asserts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import autocannon from 'autocannon';
import pg from 'pg';
import { secretListSql } from '@/lib/data/secret-list-sql';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { startEmbeddedPostgres } from './lib/embedded-db.mjs';
import { applyMigrations } from './lib/schema-engine.mjs';
import { createScratchDatabase, withDatabase } from './lib/pg-admin.mjs';
import { assertLocalDatabase } from '../test/support/databases.mjs';

const SECRETS = 100_000;
const SYSTEMS = 2_000;
const TEAMS = 200;
const CONNECTIONS = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PORT = Number(process.env.BENCH_PORT ?? 3900);
const EMAIL = 'bench@example.test';
const PASSWORD = 'bench-password-not-secret';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const VIEWS = [
  { key: 'list', label: 'default list', params: {} },
  { key: 'filter', label: 'filtered (production, critical, overdue)', params: { env: 'production', classification: 'critical', due: 'overdue' } },
  { key: 'search', label: 'search "payments"', params: { q: 'payments' } },
] as const;

async function seed(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  try {
    await client.query('BEGIN');
    await client.query(`
      INSERT INTO teams (id, name, description, updated_at)
      SELECT gen_random_uuid(), 'team-' || lpad(g::text, 3, '0'), 'Benchmark team ' || g, now()
      FROM generate_series(1, ${TEAMS}) g`);
    await client.query(`
      WITH t AS (SELECT array_agg(id ORDER BY name) AS ids FROM teams)
      INSERT INTO systems (id, name, description, owner_team_id, status, updated_at)
      SELECT gen_random_uuid(), 'system-' || lpad(g::text, 4, '0'), '', t.ids[1 + g % ${TEAMS}],
             (CASE WHEN g % 25 = 0 THEN 'decommissioned' ELSE 'active' END)::"SystemStatus", now()
      FROM generate_series(1, ${SYSTEMS}) g, t`);
    await client.query(`
      WITH t AS (SELECT array_agg(id ORDER BY name) AS ids FROM teams),
           e AS (SELECT array_agg(id ORDER BY position) AS ids FROM environments),
           words AS (SELECT ARRAY['payments','billing','auth','search','orders','ledger','mail','reports','catalog','shipping'] AS svc,
                            ARRAY['db-password','api-key','signing-key','oauth-client-secret','webhook-secret','tls-key'] AS kind),
           base AS (
             SELECT g, t.ids[1 + g % ${TEAMS}] AS team, e.ids[1 + g % 3] AS env,
                    words.svc[1 + g % 10] || '/' || words.kind[1 + (g / 10) % 6] || '-' || lpad(g::text, 6, '0') AS name,
                    CASE WHEN g % 10 = 0 THEN NULL ELSE now() - make_interval(days => g % 400) END AS rotated,
                    CASE WHEN g % 7 = 0 THEN NULL ELSE (ARRAY[30, 60, 90, 180, 365])[1 + g % 5] END AS every
             FROM generate_series(1, ${SECRETS}) g, t, e, words)
      INSERT INTO secrets (id, name, description, environment_id, owner_team_id, classification, status,
                           provider_kind, provider_ref, last_rotated_at, rotation_interval_days, next_due_at,
                           tags, search_text, created_at, updated_at)
      SELECT gen_random_uuid(), name, 'Benchmark secret ' || g, env, team,
             (ARRAY['critical','important','sensitive'])[1 + g % 3]::"Classification",
             (CASE WHEN g % 50 = 0 THEN 'decommissioned' WHEN g % 97 = 0 THEN 'deprecated' ELSE 'active' END)::"SecretStatus",
             (ARRAY['aws','gcp','other'])[1 + g % 3]::"ProviderKind", 'ref/' || name, rotated, every,
             CASE WHEN every IS NULL THEN NULL WHEN rotated IS NULL THEN now() - interval '400 days'
                  ELSE rotated + make_interval(days => every) END,
             ARRAY['bench', 'tier-' || (g % 4)],
             lower(name || ' Benchmark secret ' || g || ' bench tier-' || (g % 4) || ' ref/' || name),
             now() - interval '400 days', now() - make_interval(secs => g)
      FROM base`);
    await client.query(`
      INSERT INTO secret_consumers (secret_id, system_id)
      SELECT s.id, sys.ids[1 + (s.n % ${SYSTEMS})] FROM
        (SELECT id, row_number() OVER (ORDER BY id) AS n FROM secrets) s,
        (SELECT array_agg(id ORDER BY name) AS ids FROM systems) sys
      UNION
      SELECT s.id, sys.ids[1 + ((s.n * 7 + 3) % ${SYSTEMS})] FROM
        (SELECT id, row_number() OVER (ORDER BY id) AS n FROM secrets) s,
        (SELECT array_agg(id ORDER BY name) AS ids FROM systems) sys`);
    await client.query(
      `INSERT INTO users (id, email, name, role, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'Bench', 'viewer', $2, now())`,
      [EMAIL, await hash(PASSWORD)],
    );
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
  return Date.now() - started;
}

function ensureBuild() {
  if (existsSync(path.join(root, '.next/BUILD_ID'))) return;
  console.log('no production build: running next build');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('next build failed');
}

async function startServer(databaseUrl: string): Promise<ChildProcess> {
  const base = `http://localhost:${PORT}`;
  const server = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(PORT)], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      NEXTAUTH_URL: base,
      NEXTAUTH_SECRET: 'bench-only-nextauth-secret-0123456789abcdef',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
    if (ok) return server;
  }
  server.kill();
  throw new Error('server did not become healthy');
}

/** Signs in through next-auth's credentials callback and returns the Cookie header. */
async function signIn(base: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email: EMAIL, password: PASSWORD, json: 'true' }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes('session-token'))) throw new Error('bench sign-in failed');
  return cookie();
}

function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function load(url: string, cookie: string, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { cookie } }, (error, res) =>
      error ? reject(error) : resolve(res),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status === 200) latencies.push(ms);
      else errors++;
    });
  });
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), rps: result.requests.average, n: latencies.length, errors };
}

/**
 * One of the default view's statements over raw pg connections, at the same concurrency:
 * the page query itself, or its counts (which the app caches per view for a few seconds).
 */
async function rawSql(url: string, seconds: number, which: 'page' | 'counts') {
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  const statement = secretListSql(parseSecretListQuery({}))[which];
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) {
        const t = performance.now();
        await pool.query(statement.text, statement.values);
        latencies.push(performance.now() - t);
      }
    }),
  );
  await pool.end();
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), n: latencies.length };
}

async function main() {
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (serverUrl) assertLocalDatabase(serverUrl);
  else {
    embedded = await startEmbeddedPostgres({ name: 'bench-postgres', database: 'postgres', persistent: false });
    serverUrl = embedded.serverUrl;
  }
  // BENCH_KEEP=1 keeps the seeded database; BENCH_REUSE=<name> measures it again without reseeding.
  const reuse = process.env.BENCH_REUSE;
  const database = reuse
    ? { name: reuse, url: withDatabase(serverUrl, reuse), drop: async () => {} }
    : await createScratchDatabase(serverUrl, 'si_bench');
  let server: ChildProcess | undefined;
  try {
    if (!reuse) {
      await applyMigrations(database.url);
      const seedMs = await seed(database.url);
      console.log(`seeded ${SECRETS} secrets, ${SYSTEMS} systems, ${TEAMS} teams in ${(seedMs / 1000).toFixed(1)} s`);
    }
    ensureBuild();
    server = await startServer(database.url);
    const base = `http://localhost:${PORT}`;
    const cookie = await signIn(base);
    const results: Record<string, Awaited<ReturnType<typeof load>>> = {};
    for (const view of VIEWS) {
      const url = `${base}/inventory?${new URLSearchParams(view.params as Record<string, string>)}`;
      await load(url, cookie, 3); // warm-up: compile caches, connection pool, shared buffers
      results[view.key] = await load(url, cookie, SECONDS);
    }
    const sql = await rawSql(database.url, SECONDS, 'page');
    const counts = await rawSql(database.url, SECONDS, 'counts');

    console.log(`\n${CONNECTIONS} concurrent clients, ${SECONDS} s per view\n`);
    console.log('view                                        p50 ms   p95 ms   req/s   requests  errors');
    for (const view of VIEWS) {
      const r = results[view.key];
      console.log(
        `${view.label.padEnd(42)} ${r.p50.toFixed(0).padStart(7)} ${r.p95.toFixed(0).padStart(8)} ${r.rps.toFixed(0).padStart(7)} ${String(r.n).padStart(10)} ${String(r.errors).padStart(7)}`,
      );
    }
    for (const [label, r] of [
      ['raw SQL: default list page query', sql],
      ['raw SQL: its counts (uncached)', counts],
    ] as const) {
      console.log(`${label.padEnd(42)} ${r.p50.toFixed(1).padStart(7)} ${r.p95.toFixed(1).padStart(8)}        ${String(r.n).padStart(10)}`);
    }
    const summary = {
      secrets: SECRETS,
      list_p95_ms: Math.round(results.list.p95),
      filter_p95_ms: Math.round(results.filter.p95),
      search_p95_ms: Math.round(results.search.p95),
      sql_p95_ms: Number(sql.p95.toFixed(1)),
      ratio_p95: Number((results.list.p95 / sql.p95).toFixed(2)),
    };
    console.log(JSON.stringify(summary));
  } finally {
    server?.kill('SIGTERM');
    if (process.env.BENCH_KEEP) console.log(`kept database ${database.name}`);
    else await database.drop().catch(() => {});
    await embedded?.stop();
  }
}

await main();
