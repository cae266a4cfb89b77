// Keeps one job's failure inside that job. pg-boss already fails a job whose handler
// rejects; what it cannot see is a failure that escapes the handler's promise chain: an
// SDK's fire-and-forget promise that rejects, or a callback that throws. Node ends the
// process on those, taking every other job (and every other connection) down with it.
//
// Each job runs in an AsyncLocalStorage scope. Node raises 'unhandledRejection' and
// 'uncaughtException' in the async context of the promise or callback that failed, so the
// process guards find the job it belongs to and fail that job, and the process lives on.
// Nothing is swallowed: every such failure is logged as an error (with its stack once per
// distinct failure, then counted), since it means a bug here or in a library.
import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import { log } from '@/lib/log';
import { ProviderError } from '@/lib/providers/errors';

type JobScope = { queue: string; jobId: string; fail(error: unknown): void };

const scopes = new AsyncLocalStorage<JobScope>();

/** A failure that escaped a job's own promise chain; the job failed with it. */
export class StrayJobFailureError extends Error {
  constructor(
    readonly queue: string,
    readonly reason: unknown,
  ) {
    super(`${queue}: a failure escaped the job (${describeReason(reason)})`);
    this.name = 'StrayJobFailureError';
  }
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}

/** Logs one kind of failure with its stack the first time, then at most every REPEAT_MS with a count. */
const REPEAT_MS = 10 * 60_000;
const seen = new Map<string, { lastLoggedAt: number; repeats: number }>();

function reportOnce(message: string, reason: unknown, fields: Record<string, unknown>): void {
  const key = `${message}|${describeReason(reason)}`;
  const now = Date.now();
  const entry = seen.get(key);
  if (entry && now - entry.lastLoggedAt < REPEAT_MS) {
    entry.repeats += 1;
    return;
  }
  if (seen.size > 1000) seen.clear();
  const repeats = entry?.repeats ?? 0;
  seen.set(key, { lastLoggedAt: now, repeats: 0 });
  const error = reason instanceof Error ? (entry ? { name: reason.name, message: reason.message } : reason) : { message: String(reason) };
  log.error(message, { ...fields, error, ...(repeats ? { repeatsSinceLastLog: repeats } : {}) });
}

/** Failures the work raises on purpose and reports itself: a provider's, by default. */
const providerFailure = (error: unknown) => error instanceof ProviderError;

/**
 * Runs one job's work in its own scope. Resolves or rejects with the work, or rejects
 * early when a failure that escaped the work is attributed to this job (the work may go on
 * in the background; its outcome is then ignored). A rejection that is not `expected`
 * (an outcome the work reported itself) is logged as an error here: pg-boss only stores it.
 */
export async function runJobContained<T>(
  queue: string,
  jobId: string,
  work: () => Promise<T>,
  expected: (error: unknown) => boolean = providerFailure,
): Promise<T> {
  let failStray: (error: unknown) => void = () => {};
  const stray = new Promise<never>((_, reject) => {
    failStray = (reason) => reject(new StrayJobFailureError(queue, reason));
  });
  const scope: JobScope = { queue, jobId, fail: (reason) => failStray(reason) };
  try {
    return await scopes.run(scope, () => Promise.race([work(), stray]));
  } catch (error) {
    if (!expected(error) && !(error instanceof StrayJobFailureError)) {
      reportOnce('job failed', error, { queue, jobId });
    }
    throw error;
  } finally {
    // Anything that escapes after the job settled is still logged, but fails nothing.
    scope.fail = () => {};
    stray.catch(() => {});
  }
}

export type ProcessGuards = { uninstall(): void };

/**
 * Installs the process-wide handlers (the worker process calls this once at start).
 * A stray rejection is logged and fails its job if it has one; the process goes on.
 * A stray exception inside a job does the same; one outside any job leaves the process
 * in a state nothing here knows, so `onFatal` is called (the worker exits, and its
 * supervisor, npm start or the orchestrator, restarts it).
 */
export function installProcessGuards(onFatal: (error: unknown) => void): ProcessGuards {
  const onRejection = (reason: unknown) => {
    const scope = scopes.getStore();
    reportOnce('unhandled rejection', reason, scope ? { queue: scope.queue, jobId: scope.jobId } : { outsideJob: true });
    scope?.fail(reason);
  };
  const onException = (error: unknown) => {
    const scope = scopes.getStore();
    if (!scope) {
      log.error('uncaught exception outside any job; stopping the worker', { error });
      onFatal(error);
      return;
    }
    reportOnce('uncaught exception', error, { queue: scope.queue, jobId: scope.jobId });
    scope.fail(error);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    uninstall() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
