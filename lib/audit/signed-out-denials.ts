// Denied requests from signed-out clients, aggregated so a loop of requests can neither
// fill the audit trail nor queue on the hash chain's lock. Per source address and minute
// (table signed_out_denials):
//   - the first denial is an audit event of its own, exactly as any denial;
//   - the rest only raise a counter: one upsert, no audit row, no chain lock;
//   - once the minute has closed, flushSignedOutDenials (the worker, every minute) writes
//     one summary event for it (action auth.signed_out_denials, detail.repeats = the
//     denials after the first) and deletes the row.
// Every instance upserts into the same table, so the first denial is first across all of
// them; concurrent flushes cannot both take a row (DELETE ... RETURNING). Signed-in
// callers' denials stay one event each (lib/auth/authorize.ts).
import 'server-only';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { recordAudit, recordAuditMany, type AuditEntry } from './record';

/** Distinct actions kept per source and minute; later ones are only counted. */
const MAX_ACTIONS = 10;
export const SIGNED_OUT_DENIALS_ACTION = 'auth.signed_out_denials';

/**
 * Records a signed-out caller's denial: as `entry` when it is the first from its address
 * this minute, else as a count. One statement, outside any transaction: a flood costs one
 * upsert per request and takes no lock but its own counter row's.
 */
export async function recordSignedOutDenial(caller: Caller, entry: AuditEntry): Promise<void> {
  const source = caller.request.ip ?? '';
  const [row] = await db.$queryRaw<{ first: boolean }[]>`
    INSERT INTO signed_out_denials AS d (source, minute, count, actions, user_agent)
    VALUES (${source}, date_trunc('minute', now()), 1, ARRAY[${entry.action}::text], ${caller.request.userAgent})
    ON CONFLICT (source, minute) DO UPDATE SET
      count = d.count + 1,
      actions = CASE WHEN ${entry.action} = ANY (d.actions) OR cardinality(d.actions) >= ${MAX_ACTIONS}
                     THEN d.actions ELSE d.actions || ${entry.action}::text END
    RETURNING (xmax = 0) AS first`;
  // xmax is 0 on a row this statement inserted, set on one it updated.
  if (row?.first) await recordAudit(db, caller, entry);
}

type Counted = { source: string; minute: Date; count: number; actions: string[]; user_agent: string | null };

/**
 * Writes one summary event per source and closed minute that had more than one denial, and
 * deletes the counted rows, in one transaction. `before` (default: the start of the
 * database's current minute) says which minutes count as closed. Returns the events written.
 */
export async function flushSignedOutDenials(before?: Date): Promise<number> {
  return db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<Counted[]>`
        DELETE FROM signed_out_denials
        WHERE minute < coalesce(${before ?? null}::timestamptz, date_trunc('minute', now()))
        RETURNING source, minute, count, actions, user_agent`;
      const repeated = rows.filter((r) => r.count > 1).sort((a, b) => a.minute.getTime() - b.minute.getTime() || a.source.localeCompare(b.source));
      await recordAuditMany(
        tx,
        { user: null, request: { ip: null, userAgent: null, requestId: null } },
        repeated.map((r) => ({
          action: SIGNED_OUT_DENIALS_ACTION,
          outcome: 'denied',
          request: { ip: r.source || null, userAgent: r.user_agent, requestId: null },
          detail: { reason: 'signed_out', minute: r.minute.toISOString(), repeats: r.count - 1, actions: r.actions.join(' ') },
        })),
      );
      return repeated.length;
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}
