// Creating a catalog row (team, system, channel, connection) and recording it are one
// transaction, so the history never misses a row nor names one that was rolled back.
import 'server-only';
import type { Changes } from '@/lib/audit/changes';
import { recordAudit } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';

/** Runs `insert` and records `action` on the row it returns, with the changes taken from that row. */
export function insertAudited<R extends { id: string }>(
  caller: Caller,
  audit: { action: string; targetType: string; changes: (created: NoInfer<R>) => Changes },
  insert: (tx: Tx) => Promise<R>,
): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    const created = await insert(tx);
    await recordAudit(tx, caller, { action: audit.action, targetType: audit.targetType, targetId: created.id, changes: audit.changes(created) });
    return { id: created.id };
  });
}
