// The worker's audit streaming: one delivery loop per enabled sink, each repeating
// deliverStep (./deliver.ts) as fast as batches fill, every AUDIT_STREAM_POLL_MS when
// caught up, and after a backoff when the sink fails.
//
// Exactly one worker delivers a sink at a time, so batches reach it in seq order however
// many workers run: a loop first takes the sink's PostgreSQL advisory lock, held by this
// worker's own connection for as long as the loop runs. A worker that dies (SIGKILL
// included) loses its connection and with it its locks; another worker's next poll takes
// them over and resumes from the acknowledged seq. When the lock connection fails, every
// loop stops sending and the locks are taken anew over a new connection.
import 'server-only';
import pg from 'pg';
import { appClock, type Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { backoffMs, deliverStep } from './deliver';

export type AuditStreamOptions = { clock?: Clock; workerId?: string };

export type RunningAuditStream = { stop: () => Promise<void> };

/** A wait that stop() cuts short. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** The connection holding this worker's sink locks; a new one after a failure. */
class LockHolder {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  /** Bumped when the connection is lost: loops holding a lock of an older generation must re-take it. */
  generation = 0;
  /** The sink loops share the connection: their statements go one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  private query<R extends pg.QueryResultRow>(client: pg.Client, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const run = this.queue.then(() => client.query<R>(text, values));
    this.queue = run.catch(() => {});
    return run;
  }

  private connect(): Promise<pg.Client> {
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: env().DATABASE_URL, connectionTimeoutMillis: env().DATABASE_CONNECT_TIMEOUT_MS });
      client.on('error', () => this.lost(client));
      client.on('end', () => this.lost(client));
      await client.connect();
      this.client = client;
      return client;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private lost(client: pg.Client) {
    if (this.client !== client) return;
    this.client = null;
    this.generation += 1;
    log.warn('audit stream lock connection lost: sinks will be taken again');
  }

  /** Whether this worker now holds the sink's lock (its generation is then `this.generation`). */
  async tryLock(sinkId: string): Promise<boolean> {
    const client = this.client ?? (await this.connect());
    const { rows } = await this.query<{ locked: boolean }>(client, `SELECT pg_try_advisory_lock(hashtext('audit-sink'), hashtext($1)) AS locked`, [sinkId]);
    return rows[0]?.locked === true;
  }

  async unlock(sinkId: string, generation: number): Promise<void> {
    if (generation !== this.generation || !this.client) return;
    await this.query(this.client, `SELECT pg_advisory_unlock(hashtext('audit-sink'), hashtext($1))`, [sinkId]).catch(() => {});
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.generation += 1;
    await client?.end().catch(() => {});
  }
}

export function startAuditStream(options: AuditStreamOptions = {}): RunningAuditStream {
  const clock = options.clock ?? appClock();
  const settings = env();
  const step = { batch: settings.AUDIT_STREAM_BATCH, timeoutMs: settings.AUDIT_STREAM_TIMEOUT_MS, now: () => clock.now() };
  const stopping = new AbortController();
  const locks = new LockHolder();
  const loops = new Map<string, Promise<void>>();

  /** One sink's loop until its sink is gone or paused, or the stream stops. */
  async function sinkLoop(sinkId: string, signal: AbortSignal): Promise<void> {
    let held: number | null = null; // the lock's generation while held
    try {
      while (!signal.aborted) {
        if (held !== locks.generation) {
          held = (await locks.tryLock(sinkId)) ? locks.generation : null;
          if (held === null) {
            await pause(settings.AUDIT_STREAM_POLL_MS, signal);
            continue;
          }
          log.info('audit sink taken', { sinkId, workerId: options.workerId });
        }
        const result = await deliverStep(sinkId, step);
        if (result.status === 'gone') return;
        if (result.status === 'sent' && result.more) continue;
        if (result.status === 'failed') {
          log.warn('audit sink send failed', { sinkId, error: result.error, consecutiveFailures: result.consecutiveFailures });
          await pause(backoffMs(result.consecutiveFailures, settings.AUDIT_STREAM_MAX_BACKOFF_MS, result.retryAfterMs), signal);
          continue;
        }
        await pause(settings.AUDIT_STREAM_POLL_MS, signal);
      }
    } finally {
      if (held !== null) await locks.unlock(sinkId, held);
    }
  }

  /** Starts loops for enabled sinks without one; a loop ends by itself when its sink goes. */
  async function sync(): Promise<void> {
    const sinks = await db.auditSink.findMany({ where: { enabled: true }, select: { id: true } });
    for (const { id } of sinks) {
      if (loops.has(id)) continue;
      const done = sinkLoop(id, stopping.signal)
        .catch((error: unknown) => log.error('audit sink loop failed', { sinkId: id, error }))
        .finally(() => loops.delete(id));
      loops.set(id, done);
    }
  }

  const manager = (async () => {
    while (!stopping.signal.aborted) {
      await sync().catch((error: unknown) => log.warn('audit stream could not list sinks', { error }));
      await pause(settings.AUDIT_STREAM_POLL_MS, stopping.signal);
    }
  })();

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await manager;
        await Promise.all(loops.values());
        await locks.close();
      })();
      return stopped;
    },
  };
}
