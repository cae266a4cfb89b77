// One step of a sink's delivery: the events after its acknowledged seq, in seq order, sent
// as one batch; on success the cursor moves to the last of them, on failure it stays and
// the failure is recorded (our own words). The audit_events table is the outbox: appends
// become visible in seq order without gaps (lib/audit/chain-append.ts), so "seq > acked"
// is exactly what the sink has not acknowledged, and a restart resumes from there.
//
// The cursor moves only from the value this step read (UPDATE … WHERE acked_seq = old):
// a second deliverer that somehow sent the same batch cannot move it twice or backwards.
// The runner (./runner.ts) keeps one deliverer per sink across workers anyway.
import 'server-only';
import { db } from '@/lib/db';
import { log } from '@/lib/log';
import { eventsAfter } from './events';
import { sendBatch, type SinkTarget } from './send';
import { describeSendError, SinkSendError } from './send-errors';

export type StepResult =
  | { status: 'gone' } // deleted or paused
  | { status: 'idle' } // nothing after the cursor
  | { status: 'sent'; count: number; ackedSeq: bigint; more: boolean }
  | { status: 'failed'; error: string; consecutiveFailures: number; retryAfterMs: number | null };

export type StepOptions = { batch: number; timeoutMs: number; now: () => Date };

type SinkRow = SinkTarget & { ackedSeq: bigint };

export async function deliverStep(sinkId: string, options: StepOptions): Promise<StepResult> {
  const sink: SinkRow | null = await db.auditSink.findFirst({
    where: { id: sinkId, enabled: true },
    select: { id: true, kind: true, endpoint: true, allowPlaintext: true, caPem: true, serverName: true, ackedSeq: true },
  });
  if (!sink) return { status: 'gone' };
  const events = await eventsAfter(sink.ackedSeq, options.batch);
  if (events.length === 0) return { status: 'idle' };
  if (events[0].seq !== sink.ackedSeq + 1n) {
    // Only when events were purged before this sink acknowledged them (the purge refuses
    // that for enabled sinks) or the sink was created before a purge: said once per batch.
    log.warn('audit sink skips purged events', { sinkId, fromSeq: String(sink.ackedSeq + 1n), toSeq: String(events[0].seq - 1n) });
  }

  const attemptAt = options.now();
  try {
    await sendBatch(sink, events, options.timeoutMs);
  } catch (error) {
    const message = describeSendError(error, options.timeoutMs);
    const [row] = await db.$queryRaw<{ consecutive_failures: number }[]>`
      UPDATE audit_sinks SET last_attempt_at = ${attemptAt}, last_error = ${message}, consecutive_failures = consecutive_failures + 1
      WHERE id = ${sink.id}::uuid RETURNING consecutive_failures`;
    return {
      status: 'failed',
      error: message,
      consecutiveFailures: row?.consecutive_failures ?? 1,
      retryAfterMs: error instanceof SinkSendError ? error.retryAfterMs : null,
    };
  }
  const last = events.at(-1)!.seq;
  const moved = await db.$executeRaw`
    UPDATE audit_sinks SET acked_seq = ${last}, last_attempt_at = ${attemptAt}, last_success_at = ${options.now()},
           last_error = NULL, consecutive_failures = 0
    WHERE id = ${sink.id}::uuid AND acked_seq = ${sink.ackedSeq}`;
  // Nothing moved: the sink was deleted meanwhile, or (against the runner's lock) another deliverer moved it.
  if (moved === 0) log.info('audit sink cursor not moved: the sink changed meanwhile', { sinkId });
  return { status: 'sent', count: events.length, ackedSeq: last, more: events.length === options.batch };
}

/** The wait after `failures` failures in a row: 1 s doubling up to `maxMs`, or longer when the receiver asked. */
export function backoffMs(failures: number, maxMs: number, retryAfterMs: number | null = null): number {
  const exponential = Math.min(maxMs, 1000 * 2 ** Math.min(Math.max(failures - 1, 0), 20));
  return retryAfterMs === null ? exponential : Math.max(exponential, Math.min(retryAfterMs, 10 * 60_000));
}
