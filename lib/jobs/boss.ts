// pg-boss on the application's own PostgreSQL: the only job infrastructure there is.
// Two kinds of instance:
//   - a worker's (createWorkerBoss): its own small pool, runs maintenance and the cron
//     clock, and polls queues;
//   - the process's sender (jobSender): borrows the app's pg pool and only inserts jobs,
//     so the web server can enqueue work without polling or a pool of its own.
// Both install or migrate pg-boss's schema ("pgboss") and create the queues on start,
// so whichever process starts first leaves the database ready for the other.
import 'server-only';
import PgBoss from 'pg-boss';
import { pgPool } from '@/lib/db';
import { isDatabaseUnreachable, noteUnreachable } from '@/lib/db-outage';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { QUEUES, type QueueName } from './queues';

/** A pg-boss instance for a worker process; start it with startBoss(). */
export function createWorkerBoss(): PgBoss {
  return new PgBoss({
    connectionString: env().DATABASE_URL,
    application_name: 'secret-inventory-worker',
    max: 4,
    supervise: true,
    schedule: true,
  });
}

/** Starts the instance, makes sure every queue exists with current options, logs errors. */
export async function startBoss(boss: PgBoss): Promise<PgBoss> {
  // pg-boss reports background failures (lost connection, a failing poll) as events;
  // without a listener Node would treat them as unhandled and crash the process.
  // A database outage reaches pg-boss once per pooled connection: it joins the one outage
  // report (lib/db-outage.ts) instead of a stack each.
  boss.on('error', (error) => (isDatabaseUnreachable(error) ? noteUnreachable(error) : log.error('job queue error', { error })));
  await boss.start();
  await ensureQueues(boss);
  return boss;
}

// Any fixed number, the same in every process: the advisory lock taken around queue setup.
const QUEUE_SETUP_LOCK = 7_411_026_001;

/**
 * createQueue keeps an existing queue's options; updateQueue brings them up to date.
 * Processes starting at the same moment would deadlock in pg-boss's queue DDL (partition
 * tables), so setup is serialized by a session advisory lock held on its own connection.
 */
async function ensureQueues(boss: PgBoss): Promise<void> {
  const lock = await pgPool().connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [QUEUE_SETUP_LOCK]);
    for (const [name, { options }] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      await boss.createQueue(name, { name, ...options });
      await boss.updateQueue(name, { name, ...options });
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [QUEUE_SETUP_LOCK]).catch(() => {});
    lock.release();
  }
}

const globalForJobs = globalThis as unknown as { __jobSender?: Promise<PgBoss> };

/**
 * The process's job sender, started on first use. It shares the app's database pool
 * (lib/db), runs no maintenance, schedules nothing and polls nothing.
 */
export function jobSender(): Promise<PgBoss> {
  // The pool of this moment, not pgPool() per query: after closeDb() a late query must
  // fail, not open a fresh pool behind everyone's back.
  const pool = pgPool();
  globalForJobs.__jobSender ??= startBoss(
    new PgBoss({
      db: { executeSql: (text, values) => pool.query(text, values) },
      supervise: false,
      schedule: false,
    }),
  ).catch((error: unknown) => {
    // Let the next call try again instead of caching the failure forever.
    globalForJobs.__jobSender = undefined;
    throw error;
  });
  return globalForJobs.__jobSender;
}

/** Stops the sender (tests, scripts) before the pool it borrows is closed. */
export async function closeJobSender(): Promise<void> {
  const current = globalForJobs.__jobSender;
  globalForJobs.__jobSender = undefined;
  if (!current) return;
  const boss = await current.catch(() => undefined);
  await boss?.stop({ graceful: false, close: false, wait: true });
}
