// A database consumer, as a process of its own (spawned by ./db-consumer.ts): it holds a
// connection pool (several connections, kept open) with the credential it reads from the
// provider every ~200 ms, runs a query every ~50 ms and counts the failures. When the
// credential changes it opens a pool with the new one and, once that logs in, ends the
// old pool (a credential that does not log in yet is tried again at the next read). A
// sticky consumer never reads again: it is the straggler (until SIGUSR2). It reports one JSON line on
// stdout per change and at least every ~200 ms; SIGTERM ends it cleanly.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import net from 'node:net';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { LocalStore } from '../../lib/providers/local-store';

type Source = { kind: 'local'; dir: string; key: string; providerRef: string } | { kind: 'aws'; endpoint: string; region: string; secretId: string };
type Config = { source: Source; engine: 'postgres' | 'mysql'; applicationName: string; sticky: boolean; connections: number; localAddress?: string };
type Credential = { host: string; port: number; database: string; username: string; password: string };

const config = JSON.parse(process.env.DB_CONSUMER_CONFIG ?? '{}') as Config;
// SIGUSR2: a sticky consumer starts following the provider (it "deploys the fix").
process.on('SIGUSR2', () => (config.sticky = false));

async function readCredential(): Promise<Credential> {
  let text: string;
  if (config.source.kind === 'local') {
    const store = new LocalStore(config.source.dir, Buffer.from(config.source.key, 'base64url'));
    const secret = await store.load(config.source.providerRef);
    const current = secret?.versions.filter((v) => v.state === 'enabled').at(-1);
    if (!current) throw new Error('no current version');
    text = await store.open(config.source.providerRef, current.id);
  } else {
    const client = new SecretsManagerClient({
      endpoint: config.source.endpoint,
      region: config.source.region,
      credentials: { accessKeyId: 'AKIDTESTONLY', secretAccessKey: 'test-only-secret-access-key' },
    });
    const out = await client.send(new GetSecretValueCommand({ SecretId: config.source.secretId, VersionStage: 'AWSCURRENT' }));
    client.destroy();
    text = out.SecretString ?? '';
  }
  return JSON.parse(text) as Credential;
}

interface Pool {
  user: string;
  query(): Promise<void>;
  end(): Promise<void>;
}

async function openPool(c: Credential): Promise<Pool> {
  const n = Math.max(config.connections, 1);
  if (config.engine === 'postgres') {
    const pool = new pg.Pool({
      host: c.host,
      port: c.port,
      database: c.database,
      user: c.username,
      password: c.password,
      max: n,
      idleTimeoutMillis: 0,
      application_name: config.applicationName,
      connectionTimeoutMillis: 5_000,
    });
    pool.on('error', () => {});
    // Open all connections now and keep them: a pool that holds sessions, like an app's.
    const clients = await Promise.all(Array.from({ length: n }, () => pool.connect())).catch(async (error: unknown) => {
      await pool.end().catch(() => {});
      throw error;
    });
    clients.forEach((client) => client.release());
    return { user: c.username, query: async () => void (await pool.query('SELECT 1')), end: () => pool.end() };
  }
  const pool = mysql.createPool({
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.username,
    password: c.password,
    connectionLimit: n,
    maxIdle: n,
    idleTimeout: 3_600_000,
    connectTimeout: 5_000,
    // From another loopback address, so the server's session list tells it apart.
    ...(config.localAddress ? { stream: () => net.connect({ host: c.host, port: c.port, localAddress: config.localAddress }) } : {}),
  });
  try {
    const connections = await Promise.all(Array.from({ length: n }, () => pool.getConnection()));
    connections.forEach((connection) => connection.release());
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return { user: c.username, query: async () => void (await pool.query('SELECT 1')), end: () => pool.end() };
}

let pool: Pool | null = null;
let secretKey = '';
let queries = 0;
let failures = 0;
let switches = 0;
let stopping = false;

function report(): void {
  process.stdout.write(`${JSON.stringify({ queries, failures, switches, user: pool?.user ?? null })}\n`);
}

async function refresh(): Promise<void> {
  let credential: Credential;
  try {
    credential = await readCredential();
  } catch {
    return; // the provider is slow or down: keep the pool we have
  }
  const key = `${credential.username}\n${credential.password}`;
  if (key === secretKey) return;
  try {
    const next = await openPool(credential);
    const old = pool;
    pool = next;
    secretKey = key;
    switches += 1;
    report();
    await old?.end().catch(() => {});
  } catch {
    // Not usable yet (e.g. written but not yet set on the server): the next read tries again.
  }
}

async function main(): Promise<void> {
  while (!pool && !stopping) {
    await refresh();
    if (!pool) await new Promise((r) => setTimeout(r, 200));
  }
  const queryTimer = setInterval(() => {
    if (!pool || stopping) return;
    queries += 1;
    pool.query().catch(() => (failures += 1));
  }, 50);
  let reading = false;
  const readTimer = setInterval(() => {
    report();
    if (config.sticky || reading || stopping) return;
    reading = true;
    void refresh().finally(() => (reading = false));
  }, 200);
  process.on('SIGTERM', () => {
    stopping = true;
    clearInterval(queryTimer);
    clearInterval(readTimer);
    // Let queries in flight settle, then end the pool and report the final counts.
    setTimeout(() => {
      void (pool?.end() ?? Promise.resolve())
        .catch(() => {})
        .finally(() => {
          report();
          process.stdout.write('{"stopped":true}\n');
          process.exit(0);
        });
    }, 300);
  });
}

void main();
