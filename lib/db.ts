// The one Prisma client (driver adapter on a shared pg pool). Credential columns are
// omitted from every query unless a caller asks for them explicitly.
import 'server-only';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '@/generated/prisma/client';
import { env } from '@/lib/env';
import { log } from '@/lib/log';

function create() {
  const pool = new pg.Pool({ connectionString: env().DATABASE_URL, max: 10 });
  // An idle connection that the server drops (restart, failover, admin) is reported here;
  // without a listener Node treats it as an uncaught exception and the process dies.
  pool.on('error', (error) => log.warn('database connection lost', { code: (error as { code?: string }).code }));
  const client = new PrismaClient({
    adapter: new PrismaPg(pool),
    // access_events.seq (a bigint) only orders and pins exports, in their own SQL;
    // omitted so access-event rows stay plain JSON-serialisable objects.
    omit: { user: { passwordHash: true, inviteCodeHash: true, totpSecretEnc: true, totpPendingSecretEnc: true }, accessEvent: { seq: true } },
  });
  return { pool, client };
}

const globalForDb = globalThis as unknown as { __db?: ReturnType<typeof create> };

function instance() {
  globalForDb.__db ??= create();
  return globalForDb.__db;
}

/** Lazily created so importing this module (e.g. during `next build`) opens nothing. */
export const db = new Proxy({} as PrismaClient, {
  get: (_target, prop) => Reflect.get(instance().client, prop),
});

/** Closes the pool (tests, scripts); the next use opens a new one. */
export async function closeDb(): Promise<void> {
  const current = globalForDb.__db;
  globalForDb.__db = undefined;
  if (!current) return;
  await current.client.$disconnect();
  await current.pool.end().catch(() => {});
}

/** The raw pool, for libraries that bring their own SQL (rate limiter). */
export function pgPool(): pg.Pool {
  return instance().pool;
}

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
