import type { Instrumentation } from 'next';

// Next.js calls register() once when a server starts.
export async function register() {
  // eslint-disable-next-line no-restricted-properties -- Next's own build-time switch between its runtimes, not a setting.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { isDatabaseUnreachable } = await import('./lib/db-outage');
  quietDatabaseOutages(isDatabaseUnreachable);
  const { announceSetupIfNeeded } = await import('./lib/setup/announce');
  const { env, publicBaseUrl } = await import('./lib/env');
  // Prometheus on a port of its own (METRICS_PORT), beside the token-guarded /api/metrics.
  try {
    const { METRICS_PORT, METRICS_HOST } = env();
    if (METRICS_PORT) (await import('./lib/metrics/port-server')).startMetricsServer(METRICS_HOST, METRICS_PORT);
  } catch (error) {
    // An invalid configuration: every request reports it too; the server still starts.
    console.error('Could not start the metrics port:', error instanceof Error ? error.message : error);
  }
  await announceSetupIfNeeded(publicBaseUrl()).catch((error: unknown) => {
    console.error('Could not check first-run setup:', error instanceof Error ? error.message : error);
  });
}

/**
 * Next logs every failed render and route handler itself, with its full stack
 * (NextNodeServer.instrumentationOnRequestError -> BaseServer.logError -> console.error in
 * next/dist/server), and offers no setting to leave any out. During a database outage
 * that is one identical stack per request, thousands a minute; lib/db-outage.ts logs the
 * outage instead (start, a count every 30 s, end) and onRequestError below counts the
 * requests. So console.error drops a call when one of its arguments is, or carries
 * (next-auth passes `{ error }`), a "database unreachable" error. Every other call,
 * including every other error, is written as before.
 */
function quietDatabaseOutages(isDatabaseUnreachable: (error: unknown) => boolean): void {
  const patched = Symbol.for('secret-inventory.quietDatabaseOutages');
  const holder = console as unknown as Record<symbol, boolean>;
  if (holder[patched]) return;
  holder[patched] = true;
  const original = console.error.bind(console);
  const outageError = (arg: unknown) =>
    arg instanceof Error
      ? isDatabaseUnreachable(arg)
      : typeof arg === 'object' &&
        arg !== null &&
        (arg as { error?: unknown }).error instanceof Error &&
        isDatabaseUnreachable((arg as { error: unknown }).error);
  console.error = (...args: unknown[]) => {
    if (args.some(outageError)) return;
    original(...args);
  };
}

// Called by Next for every error a request's render, route handler or action threw.
export const onRequestError: Instrumentation.onRequestError = async (error) => {
  // eslint-disable-next-line no-restricted-properties -- as in register().
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { isDatabaseUnreachable, noteFailedRequest } = await import('./lib/db-outage');
  if (isDatabaseUnreachable(error)) noteFailedRequest(error);
};
