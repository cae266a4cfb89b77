// The head of the audit trail at a moment: what an evidence bundle pins its export to (no
// event after `eventId` is exported) and records in its manifest (the hash chain's head),
// so a bundle can be checked against the live chain later. Every event the app writes is
// chained under the chain lock (lib/audit/record.ts), so the newest event is the chain head.
import 'server-only';
import { db } from '@/lib/db';

export type ChainHead = {
  /** Id of the newest audit event; exports in a bundle include no event after it. */
  eventId: string;
  /** The hash chain's head (hex SHA-256) at that moment; null before any event was chained. */
  hash: string | null;
  /** Its position in the chain (0: nothing chained yet). */
  seq?: string;
};

export async function currentChainHead(): Promise<ChainHead | null> {
  // One statement, one snapshot: the newest id and the head agree.
  const rows = await db.$queryRaw<{ id: string | null; seq: string; hash: string | null }[]>`
    SELECT (SELECT max(id)::text FROM audit_events) AS id, h.seq::text AS seq,
           CASE WHEN h.seq > 0 THEN encode(h.hash, 'hex') END AS hash
    FROM audit_chain_head h WHERE h.id = 1`;
  const row = rows[0];
  return row?.id ? { eventId: row.id, hash: row.hash, seq: row.seq } : null;
}
