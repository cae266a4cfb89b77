// The one Prisma client (driver adapter on a shared pg pool). Credential columns are
// omitted from every query unless a caller asks for them explicitly.
import 'server-only';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '@/generated/prisma/client';
import { env } from '@/lib/env';
import { log } from '@/lib/log';

function create(connectionString: string, max: number) {
  const pool = new pg.Pool({ connectionString, max });
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

const globalForDb = globalThis as unknown as { __db?: ReturnType<typeof create>; __purgeDb?: ReturnType<typeof create> };

function instance() {
  globalForDb.__db ??= create(env().DATABASE_URL, 10);
  return globalForDb.__db;
}

/** Lazily created so importing this module (e.g. during `next build`) opens nothing. */
export const db = new Proxy({} as PrismaClient, {
  get: (_target, prop) => Reflect.get(instance().client, prop),
});

/**
 * The client of npm run audit:purge (lib/audit/purge.ts), logged in as the purge role:
 * the only role that may call audit_purge(), the one way audit events are deleted.
 */
export function purgeDb(): PrismaClient {
  const e = env();
  globalForDb.__purgeDb ??= create(e.PURGE_DATABASE_URL ?? e.MIGRATION_DATABASE_URL ?? e.DATABASE_URL, 2);
  // Typed as `db` is, so the same helpers take either.
  return globalForDb.__purgeDb.client as unknown as PrismaClient;
}

/** Closes the pools (tests, scripts); the next use opens new ones. */
export async function closeDb(): Promise<void> {
  const current = [globalForDb.__db, globalForDb.__purgeDb];
  globalForDb.__db = undefined;
  globalForDb.__purgeDb = undefined;
  for (const instance of current) {
    if (!instance) continue;
    await instance.client.$disconnect();
    await instance.pool.end().catch(() => {});
  }
}

/** The raw pool, for libraries that bring their own SQL (rate limiter). */
export function pgPool(): pg.Pool {
  return instance().pool;
}

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
