// Input rules for the two-person rule's requests and decisions (lib/data/approvals.ts).
// A note is a person's words for the other person; it is never a value.
import { z } from 'zod';

export const APPROVAL_KINDS = ['value_write', 'rotation'] as const;

const ZNote = z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string().trim().max(500, 'At most 500 characters'));

export const ZApprovalRequest = z.object({
  kind: z.enum(APPROVAL_KINDS, { message: 'Choose what the request is for' }),
  note: ZNote,
});

export const ZApprovalDecision = z.object({
  decision: z.enum(['approve', 'refuse'], { message: 'Approve or refuse' }),
  note: ZNote,
});

export type TApprovalRequest = z.infer<typeof ZApprovalRequest>;
export type TApprovalDecision = z.infer<typeof ZApprovalDecision>;
