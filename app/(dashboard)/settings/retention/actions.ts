'use server';
import { runAction } from '@/lib/action';
import { updateAuditRetention } from '@/lib/data/audit-retention';
import { ZAuditRetentionInput } from '@/lib/validation/audit-retention';

// The data layer checks the permission.
export async function updateAuditRetentionAction(input: unknown) {
  return runAction(ZAuditRetentionInput, input, (caller, retention) => updateAuditRetention(caller, retention));
}
