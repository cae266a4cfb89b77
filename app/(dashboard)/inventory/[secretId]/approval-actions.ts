'use server';
// The two-person rule's actions, shared by the Secrets Management and Rotation tabs: ask
// for approval, approve or refuse someone else's request, withdraw one's own. The data
// layer (lib/data/approvals.ts) authorizes, validates and audits; results carry ids only.
import { z } from 'zod';
import { runAction, type ActionFailure } from '@/lib/action';
import { cancelApproval, decideApproval, requestApproval } from '@/lib/data/approvals';

const ZId = z.string().min(1).max(100);
const UNKNOWN: ActionFailure = { ok: false, error: 'This no longer exists. Reload the page.' };

function withId<T>(id: unknown, work: (id: string) => Promise<T>): Promise<T | ActionFailure> {
  const parsed = ZId.safeParse(id);
  return parsed.success ? work(parsed.data) : Promise.resolve(UNKNOWN);
}

export async function requestApprovalAction(secretId: unknown, input: unknown) {
  return withId(secretId, (id) => runAction((caller) => requestApproval(caller, id, input)));
}

export async function decideApprovalAction(approvalId: unknown, input: unknown) {
  return withId(approvalId, (id) => runAction((caller) => decideApproval(caller, id, input)));
}

export async function cancelApprovalAction(approvalId: unknown) {
  return withId(approvalId, (id) => runAction((caller) => cancelApproval(caller, id)));
}
