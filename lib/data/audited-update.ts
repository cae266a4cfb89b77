// Saving an edit form (a team, system, channel, connection, policy, the retention period)
// writes and audits only a real change: an unchanged form writes nothing, so the history
// holds only real changes.
import 'server-only';
import type { Changes } from '@/lib/audit/changes';
import { recordAudit, type AuditEntry } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import type { Tx } from '@/lib/db';

/** Runs `update` and records `entry` in the same transaction, unless `entry.changes` is empty. */
export async function updateAudited(tx: Tx, caller: Caller, entry: AuditEntry & { changes: Changes }, update: () => Promise<unknown>): Promise<void> {
  if (Object.keys(entry.changes).length === 0) return;
  await update();
  await recordAudit(tx, caller, entry);
}
