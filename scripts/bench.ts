// `npm run bench`: the inventory list at 100,000 secrets, and the audit trail at 5 million
// events (with 1 million provider access events).
//   1. A bench database (DATABASE_URL's local server, or an embedded PostgreSQL), kept
//      between runs and named by its seed version and sizes; each part is seeded once
//      (bench_seed records it) because the audit part takes minutes:
//      - inventory: set-based SQL, 200 teams, 2,000 systems, 100,000 secrets over 3 environments
//        and 3 classifications, every pair of them alike (so the filtered view has rows);
//      - audit events: hash-chained with lib/audit/chain-hash.ts and loaded with COPY (seed-audit.ts);
//      - access events: set-based SQL over the seeded secrets and systems.
//      Then VACUUM ANALYZE (stale statistics made exports 4x slower).
//   2. The production server (`next build` first if there is no build).
//   3. autocannon, 20 concurrent clients, per view: the inventory list (default, filtered,
//      search) as a viewer, as a first load (HTML) and as the RSC request a filter, sort or
//      page change makes (navigation.ts; also at 8 clients), and the default list for one
//      client alone; the Audit page under a mix of filters and a secret's Access tab as an
//      auditor. p95 from every response's own latency. Also the inventory page's first-load
//      JavaScript (page-weight.ts) and the server's peak RSS over the whole bench (rss.ts).
//   4. The same page statement the list runs (lib/data/secret-list-sql.ts) over raw pg
//      connections at the same concurrency: the raw SQL p95 of the default view (and,
//      for information, its counts statement, which the app caches per view).
//   5. A ~1M-row audit CSV export and the whole access-history CSV export through their
//      routes, each next to COPY of the same rows, with the server's RSS sampled during the
//      export (audit-measure.ts).
// Environment: BENCH_AUDIT_EVENTS, BENCH_ACCESS_EVENTS, BENCH_EXPORT_ROWS (sizes),
//   6. The inventory-truth pages (bench/truth.ts): Discovery's Unmanaged list and the Posture
//      page at 100,000 secrets, after a timed posture refresh of every secret.
//   7. Discovery (bench/discovery.ts): a scan of 10,000 AWS and of 10,000 GCP emulated secrets,
//      each in its own process: time, provider calls, that process's memory growth.
//   8. The leak check (bench/leak.ts): a 50 MB mixed corpus against 100,000 fingerprints
//      (MB/s, planted values found, cost split, RSS) and the history scan of a generated
//      5,000-commit repository (time, blobs, RSS).
// BENCH_SECONDS (per view), BENCH_CONNECTIONS (concurrent clients), BENCH_ONLY=inventory|truth|audit|discovery|leak, BENCH_FRESH=1 (reseed), BENCH_PORT,
// BENCH_DISCOVERY_SECRETS (per cloud), BENCH_LEAK_MB, BENCH_LEAK_VERSIONS, BENCH_LEAK_COMMITS,
// BENCH_SERVER_NODE_ARGS (Node flags for the app server, e.g. --cpu-prof).
// Prints a table and, as its last line, one JSON object. Not a test: nothing asserts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { secretListSql } from '@/lib/data/sql/secret-list';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { startEmbeddedPostgres } from './lib/embedded-db.mjs';
import { applyMigrations } from './lib/schema-engine.mjs';
import { adminQuery, withDatabase } from './lib/pg-admin.mjs';
import { assertLocalDatabase } from '../test/support/databases.mjs';
import { discoveryBench } from './bench/discovery';
import { leakBench } from './bench/leak';
import { BENCH_PEPPER } from './bench/leak-corpus';
import { truthBench } from './bench/truth';
import { accessExportSpec, auditExportSpec, auditViews, measureExport, type ExportResult } from './bench/audit-measure';
import { CONNECTIONS, formatRow, measurePage, mixPercentile, percentile, signIn, type LoadResult } from './bench/http';
import { navigationRequest } from './bench/navigation';
import { firstLoadJsKb } from './bench/page-weight';
import { peakRssMb } from './bench/rss';
import { AUDITOR_EMAIL, AUDITOR_PASSWORD, markSeeded, seedAccessEvents, seedAuditEvents, seededParts } from './bench/seed-audit';
import { serverNodeFlags } from './lib/server-node-flags.mjs';

const SECRETS = 100_000;
const SYSTEMS = 2_000;
const TEAMS = 200;
/** Part of the bench database's name: bump it whenever the seed changes, so an older seed is not reused. */
const SEED_VERSION = 2;
const AUDIT_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 5_000_000);
const ACCESS_EVENTS = Number(process.env.BENCH_ACCESS_EVENTS ?? 1_000_000);
const EXPORT_ROWS = Math.min(AUDIT_EVENTS, Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PORT = Number(process.env.BENCH_PORT ?? 3900);
const ONLY = process.env.BENCH_ONLY;
const EMAIL = 'bench@example.test';
const PASSWORD = 'bench-password-not-secret';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const VIEWS = [
  { key: 'list', label: 'default list', params: {} },
  { key: 'filter', label: 'filtered (production, critical, overdue)', params: { env: 'production', classification: 'critical', due: 'overdue' } },
  { key: 'search', label: 'search "payments"', params: { q: 'payments' } },
] as const;

async function seedInventory(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
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
             -- g / 3, not g: the environment is g % 3, and each must have every classification.
             (ARRAY['critical','important','sensitive'])[1 + (g / 3) % 3]::"Classification",
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
    await client.query(`INSERT INTO users (id, email, name, role, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'Bench', 'viewer', $2, now())`, [
      EMAIL,
      await hash(PASSWORD),
    ]);
    await markSeeded(client, 'inventory', SECRETS);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

function ensureBuild() {
  if (existsSync(path.join(root, '.next/BUILD_ID'))) return;
  console.log('no production build: running next build');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('next build failed');
}

async function startServer(databaseUrl: string): Promise<ChildProcess> {
  const base = `http://localhost:${PORT}`;
  // The app's own server (as npm start runs it), so the bench measures what is deployed.
  // BENCH_SERVER_NODE_ARGS: Node flags for the server alone (profiling: --cpu-prof, --heapsnapshot-signal=SIGUSR2).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...serverNodeFlags(), ...nodeArgs, path.join(root, 'scripts/server.mjs')], {
    env: {
      ...process.env,
      PORT: String(PORT),
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      NEXTAUTH_URL: base,
      NEXTAUTH_SECRET: 'bench-only-nextauth-secret-0123456789abcdef',
      VALUE_FINGERPRINT_PEPPER: BENCH_PEPPER,
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const ok = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return server;
  }
  server.kill();
  throw new Error('server did not become healthy');
}

/**
 * One of a view's statements over raw pg connections, at the same concurrency: the page
 * query itself, or its counts (which the app caches per view for a few seconds).
 */
async function rawSql(url: string, seconds: number, which: 'page' | 'counts', params: Record<string, string> = {}) {
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  const statement = secretListSql(parseSecretListQuery(params))[which];
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

/** The bench database for this seed and these sizes: created once, each part seeded once, then reused. */
async function benchDatabase(serverUrl: string): Promise<{ name: string; url: string }> {
  // BENCH_ONLY=inventory seeds no audit trail, and its sign-ins append to the chain: seeded
  // (older) events could never follow them (event times never go backwards along the chain).
  // So it has a database of its own, and a full run's audit trail is seeded before any sign-in.
  const inventoryOnly = ONLY === 'inventory' || ONLY === 'truth';
  const name = inventoryOnly ? `si_bench_v${SEED_VERSION}_inventory` : `si_bench_v${SEED_VERSION}_${AUDIT_EVENTS}_${ACCESS_EVENTS}`;
  if (process.env.BENCH_FRESH) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  const { rowCount } = await adminQuery(serverUrl, `SELECT 1 FROM pg_database WHERE datname = '${name}'`);
  if (!rowCount) await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl, name);
  await applyMigrations(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const parts = await seededParts(client);
    const steps: [string, string, () => Promise<void>][] = [
      ['inventory', `${SECRETS} secrets, ${SYSTEMS} systems, ${TEAMS} teams`, () => seedInventory(url)],
      ['audit_events', `${AUDIT_EVENTS} chained audit events`, () => seedAuditEvents(url, AUDIT_EVENTS)],
      ['access_events', `${ACCESS_EVENTS} access events`, () => seedAccessEvents(url, ACCESS_EVENTS)],
    ];
    let seeded = false;
    for (const [part, label, run] of steps) {
      // BENCH_ONLY=inventory needs no audit trail, whose seeding takes minutes.
      if (parts.has(part) || (inventoryOnly && part !== 'inventory')) continue;
      if (part === 'audit_events') await refuseAppendedTrail(client);
      const started = Date.now();
      await run();
      console.log(`seeded ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      seeded = true;
    }
    if (seeded) {
      const started = Date.now();
      await client.query('VACUUM ANALYZE');
      console.log(`VACUUM ANALYZE in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } else console.log(`reusing the seeded database ${name} (BENCH_FRESH=1 reseeds)`);
  } finally {
    await client.end();
  }
  return { name, url };
}

/** Seeded events are older than any the app appended, so they can only go into an untouched trail. */
async function refuseAppendedTrail(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
  const { n } = rows[0];
  if (n > 0) throw new Error(`the bench database already has ${n} audit events from the app: drop it (BENCH_FRESH=1) to seed its audit trail`);
}

const TABLE_HEAD = 'view                                            p50 ms   p95 ms   req/s   requests  errors';

/** The inventory list's folders under app/, for the router state a navigation sends. */
const LIST_SEGMENTS = ['(dashboard)', 'inventory', '(list)'];
const NAV8_CONNECTIONS = 8;
const AUDIT_SEGMENTS = ['(dashboard)', 'audit'];

async function inventoryBench(base: string, url: string) {
  const cookie = await signIn(base, EMAIL, PASSWORD);
  const pathOf = (view: (typeof VIEWS)[number]) => `/inventory?${new URLSearchParams(view.params as Record<string, string>)}`;
  // Per view: the full page (a first load: HTML with its data), then what a filter, sort or
  // page change fetches (the page's RSC payload), at 20 and at 8 concurrent clients.
  const results: Record<string, LoadResult> = {};
  const nav: Record<string, LoadResult> = {};
  const nav8: Record<string, LoadResult> = {};
  for (const view of VIEWS) {
    results[view.key] = await measurePage(`${base}${pathOf(view)}`, cookie, SECONDS);
    const request = await navigationRequest(base, pathOf(view), LIST_SEGMENTS);
    nav[view.key] = await measurePage(request.url, cookie, SECONDS, { headers: request.headers });
    nav8[view.key] = await measurePage(request.url, cookie, SECONDS, { headers: request.headers, connections: NAV8_CONNECTIONS });
  }
  const single = await measurePage(`${base}${pathOf(VIEWS[0])}`, cookie, SECONDS, { connections: 1 });
  const weight = await firstLoadJsKb(base, pathOf(VIEWS[0]), cookie);
  // Each view's own page statement: the target is a ratio to the same statement.
  const sqlByView: Record<string, Awaited<ReturnType<typeof rawSql>>> = {};
  for (const view of VIEWS) sqlByView[view.key] = await rawSql(url, SECONDS, 'page', view.params);
  const sql = sqlByView.list;
  const counts = await rawSql(url, SECONDS, 'counts');
  const navMix = (runs: Record<string, LoadResult>) =>
    mixPercentile(
      Object.values(runs).map((r) => r.latencies),
      95,
    );

  console.log(`\n${CONNECTIONS} concurrent clients unless stated, ${SECONDS} s per view\n`);
  console.log(TABLE_HEAD);
  for (const view of VIEWS) console.log(formatRow(view.label, results[view.key]));
  for (const view of VIEWS) console.log(formatRow(`navigation (/api/inventory/rows): ${view.key}`, nav[view.key]));
  for (const view of VIEWS) console.log(formatRow(`navigation (/api/inventory/rows): ${view.key}, ${NAV8_CONNECTIONS} clients`, nav8[view.key]));
  console.log(formatRow('default list, 1 client', single));
  for (const view of VIEWS) console.log(formatRow(`raw SQL: ${view.key} page query`, sqlByView[view.key], 1));
  console.log(formatRow('raw SQL: list counts (uncached)', counts, 1));
  console.log(`\nfirst-load JavaScript of /inventory: ${weight.scripts} scripts, ${weight.kb.toFixed(0)} kB gzip`);
  return {
    secrets: SECRETS,
    list_p95_ms: Math.round(results.list.p95),
    filter_p95_ms: Math.round(results.filter.p95),
    search_p95_ms: Math.round(results.search.p95),
    sql_p95_ms: Number(sql.p95.toFixed(1)),
    ratio_p95: Number((results.list.p95 / sql.p95).toFixed(2)),
    nav_p95_ms: Math.round(navMix(nav)),
    nav_views_p95_ms: Object.fromEntries(VIEWS.map((v) => [v.key, Math.round(nav[v.key].p95)])),
    nav_ratio_p95: Number((navMix(nav) / sql.p95).toFixed(2)),
    sql_views_p95_ms: Object.fromEntries(VIEWS.map((v) => [v.key, Number(sqlByView[v.key].p95.toFixed(1))])),
    nav_views_ratio_p95: Object.fromEntries(VIEWS.map((v) => [v.key, Number((nav[v.key].p95 / sqlByView[v.key].p95).toFixed(2))])),
    first_load_p95_ms: Math.round(results.list.p95),
    single_p50_ms: Math.round(single.p50),
    nav8_p95_ms: Math.round(navMix(nav8)),
    search8_p95_ms: Math.round(nav8.search.p95),
    first_load_js_kb: Math.round(weight.kb),
  };
}

/**
 * Waits (up to two minutes) until the app has no statement running: a request the bench
 * gave up on keeps its query running, which would slow down whatever is measured next.
 */
async function untilIdle(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < 240; i++) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      if (rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    console.warn('the database did not go idle in two minutes');
  } finally {
    await client.end();
  }
}

async function auditBench(base: string, url: string, serverPid: number) {
  const cookie = await signIn(base, AUDITOR_EMAIL, AUDITOR_PASSWORD);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const views = await auditViews(client, AUDIT_EVENTS).finally(() => client.end().catch(() => {}));
  const results: Record<string, LoadResult> = {};
  for (const view of [...views.audit, views.access]) {
    await untilIdle(url);
    results[view.key] = await measurePage(`${base}${view.path}`, cookie, SECONDS);
  }
  // What changing the Audit page's filter or page fetches (see inventoryBench).
  const nav: Record<string, LoadResult> = {};
  for (const view of views.audit) {
    await untilIdle(url);
    const request = await navigationRequest(base, view.path, AUDIT_SEGMENTS);
    nav[view.key] = await measurePage(request.url, cookie, SECONDS, { headers: request.headers });
  }
  const exportClient = new pg.Client({ connectionString: url });
  await exportClient.connect();
  const spec = await auditExportSpec(exportClient, AUDIT_EVENTS, EXPORT_ROWS);
  const accessSpec = await accessExportSpec(exportClient).finally(() => exportClient.end().catch(() => {}));
  await untilIdle(url);
  const exported: ExportResult = await measureExport(base, cookie, url, serverPid, spec);
  await untilIdle(url);
  const accessExported: ExportResult = await measureExport(base, cookie, url, serverPid, accessSpec);

  // The mix: every audit view's responses together, each view weighing the same.
  const mix = views.audit.map((v) => results[v.key].latencies);
  console.log(`\n${AUDIT_EVENTS} audit events, ${ACCESS_EVENTS} access events; as an auditor, ${CONNECTIONS} concurrent clients, ${SECONDS} s per view\n`);
  console.log(TABLE_HEAD);
  for (const view of [...views.audit, views.access]) console.log(formatRow(view.label, results[view.key]));
  console.log(formatRow('audit: the views above, equally weighted', { p50: mixPercentile(mix, 50), p95: mixPercentile(mix, 95), n: mix.flat().length }));
  for (const view of views.audit) console.log(formatRow(`navigation (/api/audit/events): ${view.key}`, nav[view.key]));
  const navMix = views.audit.map((v) => nav[v.key].latencies);
  console.log(
    `\nexport ${spec.path}: ${exported.rows} rows, ${(exported.bytes / 1e6).toFixed(0)} MB in ${exported.seconds.toFixed(1)} s = ` +
      `${Math.round(exported.rowsPerS)} rows/s; COPY of the same rows: ${Math.round(exported.copyRowsPerS)} rows/s ` +
      `(${((100 * exported.rowsPerS) / exported.copyRowsPerS).toFixed(0)} %)`,
  );
  console.log(`server RSS during the export: ${exported.rssBaselineMb.toFixed(0)} MB before, peak ${exported.rssPeakMb.toFixed(0)} MB`);
  console.log(
    `export ${accessSpec.path}: ${accessExported.rows} rows, ${(accessExported.bytes / 1e6).toFixed(0)} MB in ${accessExported.seconds.toFixed(1)} s = ` +
      `${Math.round(accessExported.rowsPerS)} rows/s; COPY of the same rows: ${Math.round(accessExported.copyRowsPerS)} rows/s ` +
      `(${((100 * accessExported.rowsPerS) / accessExported.copyRowsPerS).toFixed(0)} %); server RSS ${accessExported.rssBaselineMb.toFixed(0)} MB before, peak ${accessExported.rssPeakMb.toFixed(0)} MB`,
  );
  return {
    audit_events: AUDIT_EVENTS,
    access_events: ACCESS_EVENTS,
    audit_p95_ms: Math.round(mixPercentile(mix, 95)),
    audit_views_p95_ms: Object.fromEntries(views.audit.map((v) => [v.key, Math.round(results[v.key].p95)])),
    access_p95_ms: Math.round(results.access.p95),
    audit_nav_p95_ms: Math.round(mixPercentile(navMix, 95)),
    audit_nav_views_p95_ms: Object.fromEntries(views.audit.map((v) => [v.key, Math.round(nav[v.key].p95)])),
    export_rows: exported.rows,
    export_rows_per_s: Math.round(exported.rowsPerS),
    copy_rows_per_s: Math.round(exported.copyRowsPerS),
    export_copy_ratio: Number((exported.rowsPerS / exported.copyRowsPerS).toFixed(2)),
    export_peak_rss_mb: Math.round(exported.rssPeakMb - exported.rssBaselineMb),
    export_rss_abs_peak_mb: Math.round(exported.rssPeakMb),
    access_export_rows: accessExported.rows,
    access_export_rows_per_s: Math.round(accessExported.rowsPerS),
    access_copy_rows_per_s: Math.round(accessExported.copyRowsPerS),
    access_export_peak_rss_mb: Math.round(accessExported.rssPeakMb - accessExported.rssBaselineMb),
  };
}

async function main() {
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (serverUrl) assertLocalDatabase(serverUrl);
  else {
    // Persistent, so the seeded database is there for the next run.
    embedded = await startEmbeddedPostgres({ name: 'bench-postgres', database: 'postgres', persistent: true });
    serverUrl = embedded.serverUrl;
  }
  let server: ChildProcess | undefined;
  try {
    // Discovery needs no app server and no seeded inventory: it runs alone when asked to.
    if (ONLY === 'discovery') {
      console.log(JSON.stringify(await discoveryBench(serverUrl)));
      return;
    }
    // Nor does the leak check (its pipeline runs in a process of its own, as the server would).
    if (ONLY === 'leak') {
      console.log(JSON.stringify(await leakBench(serverUrl)));
      return;
    }
    const database = await benchDatabase(serverUrl);
    ensureBuild();
    server = await startServer(database.url);
    const base = `http://localhost:${PORT}`;
    const summary = {
      ...(ONLY === 'audit' || ONLY === 'truth' ? {} : await inventoryBench(base, database.url)),
      ...(ONLY === 'audit' || ONLY === 'inventory' ? {} : await truthBench(base, database.url, { email: EMAIL, password: PASSWORD }, SECONDS)),
      ...(ONLY === 'inventory' || ONLY === 'truth' ? {} : await auditBench(base, database.url, server.pid!)),
      rss_peak_mb: Math.round(peakRssMb(server.pid!)),
      ...(ONLY ? {} : await discoveryBench(serverUrl)),
      ...(ONLY ? {} : await leakBench(serverUrl)),
    };
    console.log(JSON.stringify(summary));
  } finally {
    server?.kill('SIGTERM');
    await embedded?.stop();
  }
}

await main();
