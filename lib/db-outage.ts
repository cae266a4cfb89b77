// Database outages: the one place that decides "the database cannot be reached" (as
// opposed to a bad query or a bug), and the log of an outage. Without it every request
// during an outage logged its own multi-line stack: a hundred thousand lines a minute
// that said one thing. An outage is now logged once when it starts, as a count of failed
// requests every 30 s while requests keep failing, and once when a query succeeds again.
//
// No 'server-only': instrumentation.ts (its own bundle) and the page bundles both use it,
// and the state lives on globalThis so that they share one outage.
import { DATABASE_UNAVAILABLE_DIGEST } from '@/lib/errors';
import { log } from '@/lib/log';

/** Error codes that mean the connection failed, not the statement. */
const UNREACHABLE_CODES = new Set([
  // Node's socket errors (pg reports them as they are).
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  // PostgreSQL: class 08 (connection exception), the server shutting down or crashed
  // (57P01 admin_shutdown, 57P02 crash_shutdown) and not accepting connections yet
  // (57P03 cannot_connect_now: starting up, recovery).
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  // Prisma: cannot reach the server, timed out, server closed the connection, pool timeout.
  'P1001',
  'P1002',
  'P1017',
  'P2024',
]);

/** What Prisma's pg driver adapter calls the same failures (meta.driverAdapterError.cause.kind). */
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);

/** pg's own connection failures carry no code, only these messages. */
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/, // unexpectedly / due to connection timeout
  /^timeout exceeded when trying to connect$/, // the pool's connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable$/,
];

type Shape = {
  digest?: unknown;
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: unknown };
};

/** The code or kind that marks `error` (or what it wraps) as a connection failure, if any. */
function unreachableMark(error: unknown, depth = 0): string | null {
  if (depth > 5 || error === null || typeof error !== 'object') return null;
  const e = error as Shape;
  if (e.digest === DATABASE_UNAVAILABLE_DIGEST) return DATABASE_UNAVAILABLE_DIGEST;
  for (const code of [e.code, e.originalCode]) if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code;
  if (typeof e.kind === 'string' && UNREACHABLE_KINDS.has(e.kind)) return e.kind;
  if (e.code === undefined && typeof e.message === 'string' && PG_CONNECTION_MESSAGES.some((m) => m.test(e.message as string))) {
    return 'connection terminated';
  }
  const inner = [e.cause, e.meta?.driverAdapterError, ...(Array.isArray(e.errors) ? e.errors : [])];
  for (const next of inner) {
    const mark = unreachableMark(next, depth + 1);
    if (mark) return mark;
  }
  return null;
}

/**
 * Whether an error (pg's, Prisma's, its driver adapter's, or our DatabaseUnavailableError)
 * means the database could not be reached, rather than that a statement failed.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  return unreachableMark(error) !== null;
}

/** How often an outage that lasts is summed up in the log. */
export const OUTAGE_REPORT_INTERVAL_MS = 30_000;

type Outage = {
  startedAt: number;
  failedRequests: number;
  failedSinceReport: number;
  timer: NodeJS.Timeout;
};

const shared = globalThis as unknown as { __dbOutage?: Outage | null };

const seconds = (ms: number) => Math.round(ms / 1000);

function report(): void {
  const outage = shared.__dbOutage;
  // No failed request since the last line: nothing new is known (the database may be back
  // on an idle server), so nothing is written.
  if (!outage || outage.failedSinceReport === 0) return;
  log.warn('database still unreachable', {
    outageSeconds: seconds(Date.now() - outage.startedAt),
    failedRequests: outage.failedSinceReport,
    failedRequestsTotal: outage.failedRequests,
  });
  outage.failedSinceReport = 0;
}

/** A connection failed: starts an outage (one log line) unless one is under way. */
export function noteUnreachable(error: unknown): void {
  if (shared.__dbOutage) return;
  const timer = setInterval(report, OUTAGE_REPORT_INTERVAL_MS);
  timer.unref();
  shared.__dbOutage = { startedAt: Date.now(), failedRequests: 0, failedSinceReport: 0, timer };
  // Only the code: the driver's message names the host and port.
  log.error('database unreachable: requests fail until it is back; a count follows every 30 s, then one line when it is back', {
    code: unreachableMark(error) ?? 'unknown',
  });
}

/** A request failed because of the outage (counted, not logged one by one). */
export function noteFailedRequest(error?: unknown): void {
  if (!shared.__dbOutage) noteUnreachable(error);
  shared.__dbOutage!.failedRequests += 1;
  shared.__dbOutage!.failedSinceReport += 1;
}

/** A query (begun at `queryStartedAt`) succeeded: ends the outage, if there was one (one log line). */
export function noteReachable(queryStartedAt = Date.now()): void {
  const outage = shared.__dbOutage;
  // A query that began before the outage did (on a connection it had not reached yet: a
  // killed postmaster's backends linger for a moment) is not the database coming back.
  if (!outage || queryStartedAt < outage.startedAt) return;
  shared.__dbOutage = null;
  clearInterval(outage.timer);
  // warn, like the outage's other lines, so a log kept at warn shows where the outage ended.
  log.warn('database reachable again', { outageSeconds: seconds(Date.now() - outage.startedAt), failedRequests: outage.failedRequests });
}

/** Whether an outage is under way (tests). */
export function outageInProgress(): boolean {
  return Boolean(shared.__dbOutage);
}
