// `npm start`: one command from a fresh clone to a running dashboard.
//   - uses DATABASE_URL if set, otherwise an embedded PostgreSQL under ./.data/; with
//     DATABASE_URL the keys every replica shares must be set (scripts/lib/replica-keys.mjs),
//     with the embedded database they are generated into ./.data
//   - applies pending migrations as the owner role (MIGRATION_DATABASE_URL, else
//     DATABASE_URL) and grants the runtime and purge roles (scripts/lib/db-roles.mjs),
//     unless MIGRATE=off (docker-compose migrates in a service of its own)
//   - runs the server and the worker as the runtime role (DATABASE_URL), without the
//     owner's or the purge role's credentials in their environment
//   - builds the app when the build is missing or older than the sources
//   - serves on http://localhost:$PORT (default 3000)
//   - runs the background worker next to the server, unless WORKER=off: larger
//     deployments run `npm run worker` processes of their own
//   - supervises what it runs (scripts/lib/supervisor.mjs): the server, the worker and the
//     embedded PostgreSQL are each restarted when they die, with a growing delay; on
//     SIGTERM/SIGINT it stops the server and the worker (letting running jobs finish),
//     then the database, and exits 0; a second signal kills them at once
// `npm run dev` (--dev) does the same with Next's development server instead of a build.
// --prebuilt (the Docker image) never builds: the image was built at `docker build`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describeRoles, migrateAndGrant } from './lib/db-roles.mjs';
import { buildIsCurrent } from './lib/next-build.mjs';
import { applyGeneratedKeys, loadDotEnv, root, serverEnvironment, startEmbeddedDatabase } from './lib/local-env.mjs';
import { refuseWithoutReplicaKeys } from './lib/replica-keys.mjs';
import { Supervisor } from './lib/supervisor.mjs';
import { serverNodeFlags } from './lib/server-node-flags.mjs';

const dev = process.argv.includes('--dev');
const prebuilt = process.argv.includes('--prebuilt');
process.chdir(root);
loadDotEnv(dev);

const port = Number(process.env.PORT ?? 3000);

const off = (name) => ['off', 'false', '0'].includes((process.env[name] ?? '').trim().toLowerCase());

const supervisor = new Supervisor({
  onGiveUp: (name) => {
    console.error(`npm start: ${name} keeps failing (see its messages above); stopping everything.`);
    shutdown(1);
  },
});

// The build, while it runs: a stop signal ends it too.
let build;
let stopping = false;

/** Stops everything (the apps, then the database) and exits; a second call forces. */
async function shutdown(code, why) {
  if (stopping) {
    console.error(`npm start: ${why}: stopping everything at once.`);
    build?.kill('SIGKILL');
    await supervisor.stop({ force: true });
    process.exit(1);
  }
  stopping = true;
  if (why) console.error(`npm start: ${why}: stopping the server and the worker, then the database (again to force).`);
  build?.kill('SIGTERM');
  await supervisor.stop();
  console.error('npm start: stopped.');
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(0, signal));

const nextBin = path.join(root, 'node_modules/next/dist/bin/next');

/** `next build` when the build is missing or older than the sources; throws if it fails. */
async function buildIfStale(env) {
  if (buildIsCurrent(root)) return;
  console.log('Building the dashboard (first start or sources changed)…');
  build = spawn(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env });
  const [code, signal] = await new Promise((resolve) => build.once('exit', (...ended) => resolve(ended)));
  build = undefined;
  if (code !== 0) throw new Error(`the build failed (${signal ?? `exit code ${code}`}); fix it and run npm start again`);
}

async function main() {
  if (!process.env.DATABASE_URL) {
    console.log('DATABASE_URL is not set: starting the embedded PostgreSQL (data in ./.data/postgres)');
    // Sets MIGRATION_DATABASE_URL (its superuser), DATABASE_URL (runtime) and PURGE_DATABASE_URL.
    await startEmbeddedDatabase(supervisor);
  } else {
    // Other instances may share this database: keys generated here would differ from theirs.
    refuseWithoutReplicaKeys('npm start');
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
  if (!dev && !prebuilt) await buildIfStale(childEnv);
  if (stopping) return;

  // Detached (their own process group), as every supervised child: a terminal's Ctrl-C
  // reaches only this process, which stops them in order.
  const run = (args, env) => () => spawn(process.execPath, args, { stdio: 'inherit', env, detached: true });

  // scripts/server.mjs rather than `next start`: it records the client address from the
  // socket (or through TRUST_PROXY hops), never from a header the client wrote. It closes
  // within 5 s of SIGTERM.
  await supervisor.start({
    name: 'server',
    // Production only: the development server compiles pages in the same process and needs more.
    spawn: run([...(dev ? [] : serverNodeFlags()), path.join(root, 'scripts/server.mjs'), ...(dev ? ['--dev'] : [])], { ...childEnv, PORT: String(port) }),
    stopTimeoutMs: 10_000,
  });
  console.log(`\n  Dashboard: ${process.env.NEXTAUTH_URL}\n  Health:    ${process.env.NEXTAUTH_URL}/api/health\n`);

  // The background worker (rotation schedules, reminders, webhook deliveries), with the
  // server's environment. The Docker image runs the bundle made at build time
  // (scripts/build-worker.mjs); a checkout runs the TypeScript entry through tsx.
  if (off('WORKER')) {
    console.log('WORKER=off: no background worker in this process (run `npm run worker` elsewhere).');
    return;
  }
  const workerArgs = prebuilt ? [path.join(root, 'dist/worker.mjs')] : ['--conditions=react-server', '--import', 'tsx', path.join(root, 'scripts/worker.ts')];
  await supervisor.start({
    name: 'worker',
    // METRICS_PORT is the server's on this machine; a worker run apart (npm run worker) serves it too.
    spawn: run(workerArgs, { ...childEnv, METRICS_PORT: '' }),
    // Running jobs get up to 30 s to finish before the database goes away under them.
    stopTimeoutMs: 40_000,
  });
}

main().catch((error) => {
  if (stopping) return;
  console.error(`npm start: ${error instanceof Error ? error.message : error}`);
  void shutdown(1);
});
