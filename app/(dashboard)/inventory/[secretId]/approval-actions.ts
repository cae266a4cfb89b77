'use server';
// The two-person rule's actions, shared by the Secrets Management and Rotation tabs: ask
// for approval, approve or refuse someone else's request, withdraw one's own. The data
// layer (lib/data/approvals.ts) authorizes, validates and audits; results carry ids only.
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { cancelApproval, decideApproval, requestApproval } from '@/lib/data/approvals';
import { ZApprovalDecision, ZApprovalRequest } from '@/lib/validation/approval';
import { actionId } from '@/lib/validation/ids';

const ZRef = actionId('This no longer exists. Reload the page.');

export async function requestApprovalAction(secretId: unknown, input: unknown) {
  return runAction(z.tuple([ZRef, ZApprovalRequest]), [secretId, input], (caller, [id, request]) => requestApproval(caller, id, request));
}

export async function decideApprovalAction(approvalId: unknown, input: unknown) {
  return runAction(z.tuple([ZRef, ZApprovalDecision]), [approvalId, input], (caller, [id, decision]) => decideApproval(caller, id, decision));
}

export async function cancelApprovalAction(approvalId: unknown) {
  return runAction(ZRef, approvalId, (caller, id) => cancelApproval(caller, id));
}
