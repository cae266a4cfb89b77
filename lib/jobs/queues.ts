// Every background queue in one place: its name, its pg-boss options (retry policy,
// expiry, dedup policy) and, for the recurring ones, its cron schedule. The worker
// creates and schedules them from this list; senders use the same names and options.
//
// All queues use pg-boss's "stately" policy: per singleton key at most one job waiting,
// one waiting to retry and one running. With the key set to the thing a job works on
// (a rotation run, a delivery), a job is never run twice at once by several workers,
// and re-sending work that is already queued is a no-op.
import type PgBoss from 'pg-boss';

export const QUEUE = {
  rotationTick: 'rotation-tick',
  rotationAdvance: 'rotation-advance',
  notificationDeliver: 'notification-deliver',
  notificationSweep: 'notification-sweep',
  notificationDigest: 'notification-digest',
  healthSnapshot: 'health-snapshot',
  auditVerify: 'audit-verify',
  accessIngest: 'access-ingest',
  signedOutDenials: 'signed-out-denials',
  postureRefresh: 'posture-refresh',
  discoveryScan: 'discovery-scan',
  fingerprintBackfill: 'fingerprint-backfill',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export type RotationAdvanceData = { runId: string };
export type NotificationDeliverData = { deliveryId: string };
/** No connectionId: the scheduled fan-out (one job per cloud connection). */
export type AccessIngestData = { connectionId?: string };
/** No connectionId: the scheduled fan-out (one job per connection that is due or has a scan to resume). */
export type DiscoveryScanData = { connectionId?: string };
/** No connectionId: the scheduled fan-out (one job per connection with the backfill on). */
export type FingerprintBackfillData = { connectionId?: string };

type QueueDefinition = {
  options: Omit<PgBoss.Queue, 'name'>;
  /** Cron expression (UTC) for recurring queues. */
  cron?: string;
};

/** Webhook deliveries: first attempt plus 8 retries, 5 s doubling (about 40 min in all). */
export const DELIVERY_RETRY_LIMIT = 8;
export const DELIVERY_MAX_ATTEMPTS = DELIVERY_RETRY_LIMIT + 1;

export const QUEUES: Record<QueueName, QueueDefinition> = {
  // Every minute: finds due rotation steps and fans them out as rotation-advance jobs.
  // No retries: the next minute's tick is the retry.
  [QUEUE.rotationTick]: {
    options: { policy: 'stately', retryLimit: 0, expireInSeconds: 120 },
    cron: '* * * * *',
  },
  // One run's next steps. The engine keeps its own attempt count and backoff in the run
  // row (and a lease); pg-boss retries only cover a worker dying mid-job.
  [QUEUE.rotationAdvance]: {
    // A worker that died mid-job leaves its run to the other workers' resume sweep within
    // seconds of its lease lapsing (lib/rotation/jobs.ts resumeStalledRuns); expiry and
    // retries here are only the slow backstop.
    options: { policy: 'stately', retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 180 },
  },
  [QUEUE.notificationDeliver]: {
    options: {
      policy: 'stately',
      retryLimit: DELIVERY_RETRY_LIMIT,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 120,
    },
  },
  // Safety net for deliveries whose job was never sent (the process died between the
  // commit that recorded the event and the send).
  [QUEUE.notificationSweep]: {
    options: { policy: 'stately', retryLimit: 0, expireInSeconds: 120 },
    cron: '*/5 * * * *',
  },
  // Once a day, at 07:00 UTC: each digest channel's due and overdue list
  // (lib/notifications/digest.ts). The day's delivery row is unique per channel, so a
  // retry or a second worker sends nothing twice; a retry covers a worker dying mid-run.
  [QUEUE.notificationDigest]: {
    options: { policy: 'stately', retryLimit: 2, retryDelay: 300, expireInSeconds: 900 },
    cron: '0 7 * * *',
  },
  // Once a day, shortly after midnight UTC: the rotation-health chart's data point.
  [QUEUE.healthSnapshot]: {
    options: { policy: 'stately', retryLimit: 3, retryDelay: 300, expireInSeconds: 900 },
    cron: '15 0 * * *',
  },
  // Once a day: walks the audit hash chain and records the result (the Audit page shows
  // it). A long walk (millions of events) gets an hour; a failed run is retried once.
  [QUEUE.auditVerify]: {
    options: { policy: 'stately', retryLimit: 1, retryDelay: 600, expireInSeconds: 3600 },
    cron: '40 0 * * *',
  },
  // Every 15 minutes: the scheduled job fans out one job per cloud connection (keyed by
  // the connection, so one connection is never ingested twice at once). Ingestion keeps
  // its own cursor and resumes by itself; a retry only covers a worker dying mid-job.
  [QUEUE.accessIngest]: {
    options: { policy: 'stately', retryLimit: 1, retryDelay: 60, expireInSeconds: 600 },
    cron: '*/15 * * * *',
  },
  // Every minute: the closed minutes' counts of signed-out denials become summary audit
  // events (lib/audit/signed-out-denials.ts). No retries: the next minute's run takes
  // whatever this one left.
  [QUEUE.signedOutDenials]: {
    options: { policy: 'stately', retryLimit: 0, expireInSeconds: 120 },
    cron: '* * * * *',
  },
  // Every 15 minutes: the scheduled job sends one job per connection whose scan interval
  // has passed or whose scan is still running (throttled, or its worker died), keyed by the
  // connection. No retries: a scan keeps its own resume point (discovery_scans.page_token)
  // and the next scheduled job resumes a running one, while retrying a failed scan's job
  // would only start another scan that fails alike. A long listing gets an hour.
  [QUEUE.discoveryScan]: {
    options: { policy: 'stately', retryLimit: 0, expireInSeconds: 3600 },
    cron: '*/15 * * * *',
  },
  // Once a day: one job per connection with the fingerprint backfill on, keyed by the
  // connection (lib/values/fingerprint-backfill.ts). No retries: every fingerprint is stored
  // as it is made, so the next run (or Run now) goes on where a failed one stopped. Paced
  // reads of a large inventory get up to four hours.
  [QUEUE.fingerprintBackfill]: {
    options: { policy: 'stately', retryLimit: 0, expireInSeconds: 4 * 3600 },
    cron: '30 1 * * *',
  },
  // Every 15 minutes: every secret's posture and the day's snapshot (lib/posture/refresh.ts).
  // No retries: the next run recomputes everything anyway.
  [QUEUE.postureRefresh]: {
    options: { policy: 'stately', retryLimit: 0, expireInSeconds: 900 },
    cron: '*/15 * * * *',
  },
};

/** Send options that make a discovery scan job unique per connection. */
export const discoveryScanSendOptions = (connectionId: string): PgBoss.SendOptions => ({ singletonKey: connectionId });

/** Send options that make a fingerprint backfill job unique per connection. */
export const fingerprintBackfillSendOptions = (connectionId: string): PgBoss.SendOptions => ({ singletonKey: connectionId });

/** Send options that make a job unique per connection. */
export const accessIngestSendOptions = (connectionId: string): PgBoss.SendOptions => ({ singletonKey: connectionId });

/** Send options that make a job unique per rotation run. */
export const rotationAdvanceSendOptions = (runId: string): PgBoss.SendOptions => ({ singletonKey: runId });

/** Send options that make a job unique per delivery. */
export const notificationDeliverSendOptions = (deliveryId: string): PgBoss.SendOptions => ({ singletonKey: deliveryId });
