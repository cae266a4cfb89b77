// How far each sink is behind the chain head: events not yet acknowledged and the age of
// the oldest of them. For the sinks' settings page and for metrics; the caller authorizes
// (admin.audit_sinks on the page, metrics.read on /api/metrics). Names and numbers only.
import 'server-only';
import { db } from '@/lib/db';

export type SinkLag = { id: string; name: string; enabled: boolean; ackedSeq: bigint; lagEvents: number; lagSeconds: number };

export async function sinkLag(now: Date = new Date()): Promise<SinkLag[]> {
  const rows = await db.$queryRaw<{ id: string; name: string; enabled: boolean; acked_seq: bigint; lag_events: bigint; oldest: Date | null }[]>`
    SELECT s.id::text AS id, s.name, s.enabled, s.acked_seq, greatest(h.seq - s.acked_seq, 0) AS lag_events,
           (SELECT e.occurred_at FROM audit_events e WHERE e.seq > s.acked_seq ORDER BY e.seq LIMIT 1) AS oldest
    FROM audit_sinks s CROSS JOIN audit_chain_head h WHERE h.id = 1
    ORDER BY s.name, s.id`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    ackedSeq: r.acked_seq,
    lagEvents: Number(r.lag_events),
    lagSeconds: r.oldest ? Math.max(0, (now.getTime() - r.oldest.getTime()) / 1000) : 0,
  }));
}
