// The background worker: registers a handler per queue (lib/jobs/queues.ts), schedules
// the recurring ones and runs until stopped. Any number of workers may run against one
// database; pg-boss hands each job to one of them (SKIP LOCKED) and the queues' singleton
// keys keep one run or one delivery from being worked on twice at once.
//
// The work itself lives elsewhere (rotation engine, notifications); this module only wires
// queues to it, so tests can pass their own handlers to observe the wiring.
//
// Every job runs contained (./containment.ts): a failure that escapes its work fails that
// job, not the process. A job done for one provider connection records why it fails on
// that connection (./connection-faults.ts), and clears that when a run succeeds.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import { flushSignedOutDenials } from '@/lib/audit/signed-out-denials';
import { verifyAndRecord } from '@/lib/audit/verifications';
import { startAuditStream } from '@/lib/audit-stream/runner';
import { ingestAccessEvents, ingestibleConnections, type IngestResult } from '@/lib/access/ingest';
import { appClock, type Clock } from '@/lib/clock';
import { dueConnections, runScan, type ScanResult } from '@/lib/discovery/scan';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import { deliver, DeliveryRetryError, pendingUnattemptedDeliveries, type DeliverOptions, type DeliveryOutcome } from '@/lib/notifications/deliver';
import { sendDueDigests } from '@/lib/notifications/digest';
import { refreshPosture } from '@/lib/posture/refresh';
import { recordHealthSnapshot } from '@/lib/rotation/health-snapshot';
import { advanceRotation, resumeStalledRuns, rotationTick } from '@/lib/rotation/jobs';
import { backfillConnections, runFingerprintBackfill, type BackfillResult } from '@/lib/values/fingerprint-backfill';
import { settlePendingWrites } from './settle-pending-writes';
import { createWorkerBoss, startBoss } from './boss';
import { clearConnectionFault, recordConnectionFault } from './connection-faults';
import { runJobContained } from './containment';
import { startSweeps, type Sweep } from './sweeps';
import { purgeIdempotencyKeys } from '@/lib/api/idempotency';
import {
  accessIngestSendOptions,
  discoveryScanSendOptions,
  fingerprintBackfillSendOptions,
  notificationDeliverSendOptions,
  QUEUE,
  QUEUES,
  rotationAdvanceSendOptions,
  type NotificationDeliverData,
  type QueueName,
  type RotationAdvanceData,
} from './queues';

export type WorkerHandlers = {
  rotationTick: (clock: Clock) => Promise<string[]>;
  advanceRotation: (runId: string, clock: Clock, workerId: string) => Promise<void>;
  deliver: (deliveryId: string, options: DeliverOptions) => Promise<DeliveryOutcome>;
  recordHealthSnapshot: (now: Date) => Promise<unknown>;
  pendingDeliveries: () => Promise<string[]>;
  sendDueDigests: (clock: Clock) => Promise<unknown>;
  verifyAuditChain: () => Promise<unknown>;
  ingestibleConnections: () => Promise<string[]>;
  ingestAccess: (connectionId: string, clock: Clock) => Promise<IngestResult | void>;
  flushSignedOutDenials: () => Promise<unknown>;
  refreshPosture: (now: Date) => Promise<unknown>;
  discoveryDue: (now: Date) => Promise<string[]>;
  discoveryScan: (connectionId: string, clock: Clock) => Promise<ScanResult | void>;
  backfillConnections: () => Promise<string[]>;
  fingerprintBackfill: (connectionId: string, clock: Clock) => Promise<BackfillResult | void>;
};

const DEFAULT_HANDLERS: WorkerHandlers = {
  rotationTick,
  advanceRotation,
  deliver,
  recordHealthSnapshot,
  pendingDeliveries: pendingUnattemptedDeliveries,
  sendDueDigests,
  verifyAuditChain: verifyAndRecord,
  ingestibleConnections,
  ingestAccess: (connectionId, clock) => ingestAccessEvents(connectionId, clock),
  flushSignedOutDenials: () => flushSignedOutDenials(),
  refreshPosture,
  discoveryDue: dueConnections,
  discoveryScan: (connectionId, clock) => runScan(connectionId, clock),
  backfillConnections,
  fingerprintBackfill: (connectionId, clock) => runFingerprintBackfill(connectionId, clock),
};

/** The fast crash-recovery sweeps (./sweeps.ts), in the order they run each pass. */
const DEFAULT_SWEEPS = (clock: Clock, workerId: string): Sweep[] => [
  { name: 'settle-pending-writes', run: settlePendingWrites },
  { name: 'resume-stalled-runs', run: () => resumeStalledRuns(clock, workerId) },
  // REST API idempotency keys past their 24 hours (one indexed DELETE; nothing most passes).
  { name: 'purge-idempotency-keys', run: () => purgeIdempotencyKeys(clock.now()) },
];

export type WorkerOptions = {
  clock?: Clock;
  /** Names this worker in rotation leases and logs; unique per process by default. */
  workerId?: string;
  /** Replace some of the work (tests); the real modules by default. */
  handlers?: Partial<WorkerHandlers>;
  /** How often idle queues are polled, in seconds (pg-boss's default is 2). */
  pollingIntervalSeconds?: number;
  /** Stream the audit trail to the configured sinks (lib/audit-stream/); on unless false. */
  auditStream?: boolean;
  /** Replace the crash-recovery sweeps (tests); DEFAULT_SWEEPS otherwise. */
  sweeps?: Sweep[];
  /** How often the sweeps run; SWEEP_INTERVAL_MS by default. */
  sweepIntervalMs?: number;
};

export type RunningWorker = {
  workerId: string;
  boss: PgBoss;
  /** Stops fetching, waits for running jobs (up to timeoutMs), then closes the pool. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
};

/** pg-boss hands a handler its batch (one job here); the wrapped work runs contained. */
function contained<T>(queue: QueueName, handler: (jobs: PgBoss.Job<T>[]) => Promise<void>) {
  return (jobs: PgBoss.Job<T>[]) => runJobContained(queue, jobs[0]?.id ?? '', () => handler(jobs));
}

/**
 * One job's work for one connection. A failure, a failed result included, fails the job
 * and is recorded on the connection; success clears what an earlier run recorded. Its own
 * scope, so a failure escaping the work is recorded against this connection too.
 */
async function forConnection(
  queue: QueueName,
  jobId: string,
  connectionId: string,
  clock: Clock,
  // Only `status: 'failed'` means anything here: it fails the job with `code` and `message`.
  work: () => Promise<{ status: string; code?: ProviderErrorCode; message?: string } | void>,
): Promise<void> {
  try {
    await runJobContained(queue, jobId, async () => {
      const result = await work();
      if (result?.status === 'failed') throw new ProviderError(result.code ?? 'unknown', result.message);
    });
  } catch (error) {
    await recordConnectionFault(connectionId, queue, error, clock.now()).catch((recordError: unknown) =>
      log.error('could not record a connection fault', { queue, connectionId, error: recordError }),
    );
    throw error;
  }
  await clearConnectionFault(connectionId, queue);
}

export const defaultWorkerId = () => env().WORKER_ID ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export async function startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
  const clock = options.clock ?? appClock();
  const workerId = options.workerId ?? defaultWorkerId();
  const work: WorkerHandlers = { ...DEFAULT_HANDLERS, ...options.handlers };
  const boss = await startBoss(createWorkerBoss());
  const polling = options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {};

  // One job per fetch (pg-boss's default batch): a slow step holds up nothing else.
  await boss.work(
    QUEUE.rotationTick,
    polling,
    contained(QUEUE.rotationTick, async () => {
      const runIds = await work.rotationTick(clock);
      for (const runId of runIds) {
        const data: RotationAdvanceData = { runId };
        await boss.send(QUEUE.rotationAdvance, data, rotationAdvanceSendOptions(runId));
      }
    }),
  );

  await boss.work<RotationAdvanceData>(
    QUEUE.rotationAdvance,
    polling,
    contained(QUEUE.rotationAdvance, async ([job]) => {
      await work.advanceRotation(job.data.runId, clock, workerId);
    }),
  );

  await boss.work<NotificationDeliverData>(QUEUE.notificationDeliver, { ...polling, includeMetadata: true }, (jobs) =>
    runJobContained(
      QUEUE.notificationDeliver,
      jobs[0]?.id ?? '',
      async () => {
        const [job] = jobs;
        const finalAttempt = job.retryCount >= job.retryLimit;
        await work.deliver(job.data.deliveryId, { finalAttempt, clock });
      },
      // A failed attempt to be retried is recorded on the delivery; not a worker error.
      (error) => error instanceof DeliveryRetryError,
    ),
  );

  await boss.work(
    QUEUE.notificationSweep,
    polling,
    contained(QUEUE.notificationSweep, async () => {
      for (const deliveryId of await work.pendingDeliveries()) {
        const data: NotificationDeliverData = { deliveryId };
        await boss.send(QUEUE.notificationDeliver, data, notificationDeliverSendOptions(deliveryId));
      }
    }),
  );

  await boss.work(
    QUEUE.notificationDigest,
    polling,
    contained(QUEUE.notificationDigest, async () => {
      await work.sendDueDigests(clock);
    }),
  );

  await boss.work(
    QUEUE.healthSnapshot,
    polling,
    contained(QUEUE.healthSnapshot, async () => {
      await work.recordHealthSnapshot(clock.now());
    }),
  );

  // A broken chain is a finding, not a job failure: it is recorded (and shown) either way.
  await boss.work(
    QUEUE.auditVerify,
    polling,
    contained(QUEUE.auditVerify, async () => {
      await work.verifyAuditChain();
    }),
  );

  await boss.work(
    QUEUE.signedOutDenials,
    polling,
    contained(QUEUE.signedOutDenials, async () => {
      await work.flushSignedOutDenials();
    }),
  );

  await boss.work(
    QUEUE.postureRefresh,
    polling,
    contained(QUEUE.postureRefresh, async () => {
      await work.refreshPosture(clock.now());
    }),
  );

  // A queue of per-connection jobs: a job naming a connection does its work there (a
  // failure is recorded on the connection); the scheduled job without one sends a job for
  // each connection that is due.
  const workPerConnection = (
    queue: QueueName,
    run: (connectionId: string) => ReturnType<Parameters<typeof forConnection>[4]>,
    due: () => Promise<string[]>,
    sendOptions: (connectionId: string) => PgBoss.SendOptions,
  ) =>
    boss.work<{ connectionId?: string }>(
      queue,
      polling,
      contained(queue, async ([job]) => {
        const connectionId = job.data?.connectionId;
        if (connectionId) return forConnection(queue, job.id, connectionId, clock, () => run(connectionId));
        for (const id of await due()) await boss.send(queue, { connectionId: id }, sendOptions(id));
      }),
    );

  await workPerConnection(
    QUEUE.accessIngest,
    (id) => work.ingestAccess(id, clock),
    () => work.ingestibleConnections(),
    accessIngestSendOptions,
  );
  // A scan left running (throttled) is not a failure: the next scheduled job resumes it.
  await workPerConnection(
    QUEUE.discoveryScan,
    (id) => work.discoveryScan(id, clock),
    () => work.discoveryDue(clock.now()),
    discoveryScanSendOptions,
  );
  // A failed run (a provider fault on some secret) is recorded on the connection; what it
  // stored stays, and the next run reads only what is still missing.
  await workPerConnection(
    QUEUE.fingerprintBackfill,
    (id) => work.fingerprintBackfill(id, clock),
    () => work.backfillConnections(),
    fingerprintBackfillSendOptions,
  );

  // Schedules live in the database (one row per queue); every worker upserts the same ones,
  // and pg-boss's clock sends each scheduled job once per slot across all workers.
  for (const [name, definition] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
    if (definition.cron) await boss.schedule(name, definition.cron, undefined, { tz: 'UTC' });
  }
  // Posture once now, so a fresh install (or a worker back after a stop) need not wait for the
  // next quarter hour; the queue's singleton policy makes this a no-op when one is queued.
  await boss.send(QUEUE.postureRefresh, {});

  const sweeps = startSweeps(options.sweeps ?? DEFAULT_SWEEPS(clock, workerId), options.sweepIntervalMs ?? env().SWEEP_INTERVAL_MS);

  // Audit streaming runs beside the queues: one loop per sink, one worker per sink at a time.
  const auditStream = options.auditStream === false ? null : startAuditStream({ clock, workerId });

  log.info('worker started', { workerId });
  let stopped: Promise<void> | undefined;
  return {
    workerId,
    boss,
    stop({ timeoutMs = 30_000 } = {}) {
      stopped ??= Promise.all([sweeps.stop(), auditStream?.stop()])
        .then(() => boss.stop({ graceful: true, wait: true, timeout: timeoutMs }))
        .then(() => log.info('worker stopped', { workerId }));
      return stopped;
    },
  };
}
