// The head of the audit hash chain at a moment: what an evidence bundle pins its export to
// (no event after it is exported) and records in its manifest, so a bundle can be checked
// against the live chain later. Ids are allocated under the chain lock (lib/audit/record.ts),
// so "id <= the head's id" is exactly "in the chain at that moment".
import 'server-only';
import { db } from '@/lib/db';

export type ChainHead = {
  /** Id of the newest audit event; exports in a bundle include no event after it. */
  eventId: string;
  /** That event's chain hash (hex); null for a trail written before the chain existed. */
  hash: string | null;
};

export async function currentChainHead(): Promise<ChainHead | null> {
  const rows = await db.$queryRaw<{ id: string | null; hash: string | null }[]>`
    SELECT e.id::text AS id, encode(e.hash, 'hex') AS hash
    FROM audit_chain_head h JOIN audit_events e ON e.seq = h.seq
    WHERE h.id = 1`;
  if (rows[0]?.id) return { eventId: rows[0].id, hash: rows[0].hash };
  // No chained event yet (a fresh trail, or only legacy rows): the newest event, unhashed.
  const legacy = await db.$queryRaw<{ id: string }[]>`SELECT a.id::text AS id FROM audit_events a ORDER BY a.id DESC LIMIT 1`;
  return legacy[0] ? { eventId: legacy[0].id, hash: null } : null;
}
