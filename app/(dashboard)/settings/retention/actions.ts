'use server';
import { runAction } from '@/lib/action';
import { updateAuditRetention } from '@/lib/data/audit-retention';

// The data layer checks the permission and parses the input.
export async function updateAuditRetentionAction(input: unknown) {
  return runAction((caller) => updateAuditRetention(caller, input));
}
