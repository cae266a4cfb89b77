// The head of the audit trail at a moment: what an evidence bundle pins its export to.
// The one place the bundle asks for it, so the hash chain (being added separately) is
// wired in here: until then the head is the newest event's id with no hash.
import 'server-only';
import { db } from '@/lib/db';

export type ChainHead = {
  /** Id of the newest audit event; exports in a bundle include no event after it. */
  eventId: string;
  /** That event's chain hash, once audit events carry one; null until then. */
  hash: string | null;
};

export async function currentChainHead(): Promise<ChainHead | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT a.id::text AS id FROM audit_events a ORDER BY a.id DESC LIMIT 1`;
  return rows[0] ? { eventId: rows[0].id, hash: null } : null;
}
