// `npm run worker`: the background worker as its own process (larger deployments run one
// or more of these next to the app with WORKER=off; `npm start` runs one for you).
// SIGTERM/SIGINT stop it gracefully: no new jobs are fetched, running ones finish (up to
// 30 s), and the database pools close. A failure escaping one job (an SDK's unhandled
// rejection, a throwing callback) fails that job and is logged; the process goes on
// (lib/jobs/containment.ts).
//
// `npm run worker -- --once` runs one pass instead (start due rotations, advance every
// run with a step due, then exit): for cron-driven deployments, and for the crash tests.
//
// Runs under node with tsx's loader and the `react-server` condition (not the tsx command, whose
// signal relay may kill a worker still draining), so the '@/…' paths resolve from
// tsconfig.json and `server-only` imports resolve to its empty server entry. On a checkout
// with no DATABASE_URL it uses the embedded PostgreSQL npm start runs, as the runtime role
// (scripts/lib/local-env.mjs); it does not start that database itself, since it runs for
// as long as npm start's would.
import { closeDb, setStatementTimeout } from '@/lib/db';
import { closeJobSender } from '@/lib/jobs/boss';
import { installProcessGuards } from '@/lib/jobs/containment';
import { defaultWorkerId, startWorker } from '@/lib/jobs/worker';
import { appClock } from '@/lib/clock';
import { advanceRotation, rotationTick } from '@/lib/rotation/jobs';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { startMetricsServer } from '@/lib/metrics/port-server';
import { prepareCommandEnv } from './lib/local-env.mjs';
import { refuseWithoutReplicaKeys } from './lib/replica-keys.mjs';

async function once() {
  const clock = appClock();
  const workerId = defaultWorkerId();
  for (const runId of await rotationTick(clock)) await advanceRotation(runId, clock, workerId);
  await closeJobSender();
  await closeDb();
}

async function main() {
  await prepareCommandEnv({ role: 'runtime', startIfStopped: false, who: 'The worker' });
  // Again for the image's bundle, where prepareCommandEnv does nothing (scripts/build-worker.mjs).
  refuseWithoutReplicaKeys('The worker');
  // Background work, not a page: a long chain walk or ingestion batch is not cut off.
  setStatementTimeout(0);
  if (process.argv.includes('--once')) return once();
  // Before the first job: a stray failure in any job must find the guards in place.
  installProcessGuards(() => process.exit(1));
  const worker = await startWorker();
  // Its own Prometheus text (provider calls made by jobs are counted here, not in the app).
  const { METRICS_PORT, METRICS_HOST } = env();
  if (METRICS_PORT) startMetricsServer(METRICS_HOST, METRICS_PORT);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('worker stopping', { signal, workerId: worker.workerId });
    try {
      await worker.stop();
      await closeJobSender();
      await closeDb();
      process.exit(0);
    } catch (error) {
      log.error('worker did not stop cleanly', { error });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  log.error('worker failed to start', { error });
  // The JSON log line escapes its line breaks: the refusal is printed as written too, for a person to read.
  if (error instanceof Error && /refuses to start/.test(error.message)) console.error(error.message);
  process.exit(1);
});
