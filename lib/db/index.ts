// The one Prisma client (driver adapter on a shared pg pool). Credential columns are
// omitted from every query unless a caller asks for them explicitly. Every statement of
// the pool has a statement timeout (DATABASE_STATEMENT_TIMEOUT_MS): PostgreSQL cancels a
// statement that runs longer, and the client throws QueryTimeoutError instead of the
// driver's error. A connection that cannot be made (DATABASE_CONNECT_TIMEOUT_MS at most)
// throws DatabaseUnavailableError, which error boundaries recognise by its digest, and
// feeds the outage log (lib/db-outage.ts) instead of one stack per request.
import 'server-only';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from '@/generated/prisma/client';
import { env } from '@/lib/env';
import { noteReachable, noteUnreachable, isDatabaseUnreachable } from '@/lib/db-outage';
import { DatabaseUnavailableError, QueryTimeoutError } from '@/lib/errors';
import { log } from '@/lib/log';

/** PostgreSQL's query_canceled: a statement timeout (or an operator's pg_cancel_backend). */
const QUERY_CANCELED = '57014';

/** Whether an error (Prisma's, its driver adapter's or pg's) is a cancelled statement. */
function isStatementCancelled(error: unknown): boolean {
  const e = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null;
  return e?.code === QUERY_CANCELED || e?.meta?.driverAdapterError?.cause?.originalCode === QUERY_CANCELED;
}

/**
 * Makes a connection run its promise-style queries one after another. Inside an interactive
 * transaction Prisma's pg adapter sends the reads of a multi-relation query all at once on
 * the transaction's one connection (prisma/orm#29979, open in 7.10); pg queues them itself
 * but deprecates that (a DeprecationWarning on every start) and pg 9 will refuse it. The
 * order of the queries is unchanged. Callback and stream queries (the pool's own
 * pool.query, COPY) already wait for the connection and pass straight through.
 */
function queueQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let last: Promise<unknown> = Promise.resolve();
  client.query = ((...args: unknown[]) => {
    const first = args[0] as { submit?: unknown } | undefined;
    if (typeof args[args.length - 1] === 'function' || typeof first?.submit === 'function') return query(...args);
    const run = last.then(() => query(...args));
    last = run.catch(() => {});
    return run;
  }) as typeof client.query;
}

/** The error callers see: an unreachable database as DatabaseUnavailableError (recorded as an outage), anything else as it is. */
function translate(error: unknown, timeoutMs: number): unknown {
  if (timeoutMs > 0 && isStatementCancelled(error)) return new QueryTimeoutError(Math.ceil(timeoutMs / 1000));
  if (error instanceof DatabaseUnavailableError) return error;
  if (isDatabaseUnreachable(error)) {
    noteUnreachable(error);
    return new DatabaseUnavailableError();
  }
  return error;
}

function create(connectionString: string, max: number, timeoutMs: number) {
  const pool = new pg.Pool({ connectionString, max, statement_timeout: timeoutMs, connectionTimeoutMillis: env().DATABASE_CONNECT_TIMEOUT_MS });
  pool.on('connect', queueQueries);
  // An idle connection that the server drops (restart, failover, admin) is reported here;
  // without a listener Node treats it as an uncaught exception and the process dies. A
  // server going away drops them all at once: that is the start of an outage, logged once.
  pool.on('error', (error) => {
    if (isDatabaseUnreachable(error)) noteUnreachable(error);
    else log.warn('database connection lost', { code: (error as { code?: string }).code });
  });
  const base = new PrismaClient({
    adapter: new PrismaPg(pool),
    // access_events.seq (a bigint) only orders and pins exports, in their own SQL;
    // omitted so access-event rows stay plain JSON-serialisable objects.
    omit: { user: { passwordHash: true, inviteCodeHash: true, totpSecretEnc: true, totpPendingSecretEnc: true }, accessEvent: { seq: true } },
  });
  // Covers model queries and raw ones, inside interactive transactions too.
  const extended = base.$extends({
    query: {
      async $allOperations({ args, query }) {
        const startedAt = Date.now();
        try {
          const result = await query(args);
          noteReachable(startedAt);
          return result;
        } catch (error) {
          throw translate(error, timeoutMs);
        }
      },
    },
  }) as unknown as PrismaClient;
  // Opening an interactive transaction takes a connection before any operation runs, so
  // $transaction gets the same translation.
  const client = new Proxy(extended, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== '$transaction' || typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((error: unknown) => {
          throw translate(error, timeoutMs);
        });
    },
  });
  return { pool, client };
}

const globalForDb = globalThis as unknown as {
  __db?: ReturnType<typeof create>;
  __purgeDb?: ReturnType<typeof create>;
  __statementTimeoutMs?: number;
};

/**
 * For processes whose statements legitimately run long (the worker, audit:purge,
 * audit:verify): their own statement timeout in milliseconds (0: none), set before the
 * first query.
 */
export function setStatementTimeout(ms: number): void {
  if (globalForDb.__db) throw new Error('setStatementTimeout must run before the database is first used');
  globalForDb.__statementTimeoutMs = ms;
}

const statementTimeoutMs = () => globalForDb.__statementTimeoutMs ?? env().DATABASE_STATEMENT_TIMEOUT_MS;

function instance() {
  globalForDb.__db ??= create(env().DATABASE_URL, 10, statementTimeoutMs());
  return globalForDb.__db;
}

/**
 * The rows of one read statement, straight from the pool: no Prisma query engine between
 * (its per-query work is a large share of a hot list read). The statement is a Prisma.Sql
 * as for $queryRaw, with the same statement timeout and outage handling. Values come as
 * the pg driver types them, not as Prisma's: bigint and numeric are strings, so a caller
 * selects those as it wants them (::int, ::text).
 */
export async function queryRows<T>(statement: Prisma.Sql): Promise<T[]> {
  const { pool } = instance();
  const startedAt = Date.now();
  try {
    const { rows } = await pool.query(statement.text, statement.values);
    noteReachable(startedAt);
    return rows as T[];
  } catch (error) {
    throw translate(error, statementTimeoutMs());
  }
}

/** Lazily created so importing this module (e.g. during `next build`) opens nothing. */
export const db = new Proxy({} as PrismaClient, {
  get: (_target, prop) => Reflect.get(instance().client, prop),
});

/**
 * The client of npm run audit:purge (lib/audit/purge.ts), logged in as the purge role:
 * the only role that may call audit_purge(), the one way audit events are deleted. A purge
 * runs as long as it must (no statement timeout).
 */
export function purgeDb(): PrismaClient {
  const e = env();
  globalForDb.__purgeDb ??= create(e.PURGE_DATABASE_URL ?? e.MIGRATION_DATABASE_URL ?? e.DATABASE_URL, 2, 0);
  // Typed as `db` is, so the same helpers take either.
  return globalForDb.__purgeDb.client;
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

/**
 * One read of an export's batch through the pool, without the statement timeout: an
 * auditor's export may scan far more rows than an interactive page, and a batch it has
 * started should finish. RESET gives the connection back its own timeout.
 */
export async function exportRead<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  const client = await pgPool().connect();
  try {
    await client.query('SET statement_timeout = 0');
    return await client.query<R>(text, values);
  } finally {
    // A connection whose own timeout cannot be restored is closed, not pooled.
    const restored = await client.query('RESET statement_timeout').then(
      () => true,
      () => false,
    );
    client.release(!restored);
  }
}

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
