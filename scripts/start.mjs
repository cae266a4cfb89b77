// `npm start`: one command from a fresh clone to a running dashboard.
//   - uses DATABASE_URL if set, otherwise an embedded PostgreSQL under ./.data/
//   - applies pending migrations as the owner role (MIGRATION_DATABASE_URL, else
//     DATABASE_URL) and grants the runtime and purge roles (scripts/lib/db-roles.mjs),
//     unless MIGRATE=off (docker-compose migrates in a service of its own)
//   - runs the server and the worker as the runtime role (DATABASE_URL), without the
//     owner's or the purge role's credentials in their environment
//   - builds the app when the build is missing or older than the sources
//   - serves on http://localhost:$PORT (default 3000)
//   - runs the background worker next to the server (restarted if it dies), unless
//     WORKER=off: larger deployments run `npm run worker` processes of their own
// `npm run dev` (--dev) does the same with Next's development server instead of a build.
// --prebuilt (the Docker image) never builds: the image was built at `docker build`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeRoles, migrateAndGrant } from './lib/db-roles.mjs';
import { applyGeneratedKeys, loadDotEnv, root, serverEnvironment, startEmbeddedDatabase } from './lib/local-env.mjs';

const dev = process.argv.includes('--dev');
const prebuilt = process.argv.includes('--prebuilt');
process.chdir(root);
loadDotEnv(dev);

const port = Number(process.env.PORT ?? 3000);

const off = (name) => ['off', 'false', '0'].includes((process.env[name] ?? '').trim().toLowerCase());

let embedded;
if (!process.env.DATABASE_URL) {
  console.log('DATABASE_URL is not set: starting the embedded PostgreSQL (data in ./.data/postgres)');
  // Sets MIGRATION_DATABASE_URL (its superuser), DATABASE_URL (runtime) and PURGE_DATABASE_URL.
  embedded = await startEmbeddedDatabase();
}
applyGeneratedKeys();
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;

if (off('MIGRATE')) {
  console.log('MIGRATE=off: migrations and grants are applied elsewhere (npm run db:migrate).');
} else {
  const { applied, roles } = await migrateAndGrant({
    ownerUrl: process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL,
    runtimeUrl: process.env.DATABASE_URL,
    purgeUrl: process.env.PURGE_DATABASE_URL || undefined,
  });
  console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date');
  console.log(describeRoles(roles));
}
const childEnv = serverEnvironment();

const SOURCES = ['app', 'components', 'lib', 'generated', 'proxy.ts', 'instrumentation.ts', 'next.config.ts', 'package-lock.json'];
function newestSourceTime() {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const entry of readdirSync(p)) visit(path.join(p, entry));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const source of SOURCES) visit(path.join(root, source));
  return newest;
}

const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
if (!dev && !prebuilt) {
  const buildId = path.join(root, '.next/BUILD_ID');
  if (!existsSync(buildId) || statSync(buildId).mtimeMs < newestSourceTime()) {
    console.log('Building the dashboard (first start or sources changed)…');
    const build = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env: childEnv });
    if (build.status !== 0) {
      await embedded?.stop();
      process.exit(build.status ?? 1);
    }
  }
}

// scripts/server.mjs rather than `next start`: it records the client address from the
// socket (or through TRUST_PROXY hops), never from a header the client wrote.
const server = spawn(process.execPath, [path.join(root, 'scripts/server.mjs'), ...(dev ? ['--dev'] : [])], {
  stdio: 'inherit',
  env: { ...childEnv, PORT: String(port) },
});
console.log(`\n  Dashboard: ${process.env.NEXTAUTH_URL}\n  Health:    ${process.env.NEXTAUTH_URL}/api/health\n`);

// The background worker (rotation schedules, reminders, webhook deliveries): a child
// process with the server's environment. The Docker image runs the bundle made at build time
// (scripts/build-worker.mjs); a checkout runs the TypeScript entry through tsx.
const workerEnabled = !off('WORKER');
const workerCommand = prebuilt
  ? [path.join(root, 'dist/worker.mjs')]
  : ['--conditions=react-server', '--import', 'tsx', path.join(root, 'scripts/worker.ts')];
let worker;
let workerRestartMs = 1000;
let workerRestartTimer;
let stopping = false;

function startWorker() {
  const startedAt = Date.now();
  worker = spawn(process.execPath, workerCommand, { stdio: 'inherit', env: childEnv });
  worker.on('exit', (code, signal) => {
    worker = undefined;
    if (stopping) return;
    // A worker that ran for a while starts again at once; one that keeps failing backs off.
    if (Date.now() - startedAt > 60_000) workerRestartMs = 1000;
    console.error(`The background worker exited (${signal ?? code}); restarting it in ${workerRestartMs / 1000} s.`);
    workerRestartTimer = setTimeout(startWorker, workerRestartMs);
    workerRestartMs = Math.min(workerRestartMs * 2, 60_000);
  });
}
if (workerEnabled) startWorker();
else console.log('WORKER=off: no background worker in this process (run `npm run worker` elsewhere).');

/** Resolves when the child has exited (at once if it already has). */
const exited = (child) =>
  new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  clearTimeout(workerRestartTimer);
  server.kill('SIGTERM');
  // The worker finishes its running jobs (it gives them up to 30 s) before the embedded
  // database goes away under it.
  worker?.kill('SIGTERM');
  await Promise.all([exited(server), exited(worker)]);
  await embedded?.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
server.on('exit', (code) => shutdown(code ?? 0));
