// Rotation defaults per classification (interval, grace period, reminder lead time) and
// whether the two-person rule applies to its secrets in production (lib/data/approvals.ts).
// Everyone who reads the inventory may read them (the secret form shows them as
// placeholders); only administrators change them ('admin.policies'), audited in the
// same transaction, with a stale-edit check.
import 'server-only';
import type { Classification } from '@/generated/prisma/enums';
import { changedFields } from '@/lib/audit/changes';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { ZClassificationParam, ZPolicyInput } from '@/lib/validation/policy';
import { CLASSIFICATIONS } from '@/lib/validation/secret';
import { assertNotStale } from '@/lib/db/stale-edit';
import { updateAudited } from './audited-update';
import { recomputeNextDueOfClassification } from '@/lib/rotation/next-due';

export type ClassificationPolicyDto = {
  classification: Classification;
  intervalDays: number;
  graceHours: number;
  reminderDays: number;
  requireApproval: boolean;
  updatedAt: string;
};

const select = { classification: true, intervalDays: true, graceHours: true, reminderDays: true, requireApproval: true, updatedAt: true } as const;
const AUDITED_FIELDS = ['intervalDays', 'graceHours', 'reminderDays', 'requireApproval'] as const;

const order = (c: Classification) => CLASSIFICATIONS.indexOf(c);

/** The defaults, most sensitive classification first. */
export async function listPolicies(caller: Caller): Promise<ClassificationPolicyDto[]> {
  await authorize(caller, 'secrets.read', { action: 'policy.list', targetType: 'classification_policy' });
  const rows = await db.classificationPolicy.findMany({ select });
  return rows.sort((a, b) => order(a.classification) - order(b.classification)).map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));
}

export async function updatePolicy(caller: Caller, classification: unknown, raw: unknown): Promise<{ classification: string }> {
  const target = typeof classification === 'string' ? classification.slice(0, 50) : undefined;
  await authorize(caller, 'admin.policies', { action: 'policy.update', targetType: 'classification_policy', targetId: target });
  const which = parseInput(ZClassificationParam, classification);
  const input = parseInput(ZPolicyInput, raw);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM classification_policies WHERE classification = ${which}::"Classification" FOR UPDATE`;
    const before = await tx.classificationPolicy.findUnique({ where: { classification: which }, select });
    if (!before) throw new NotFoundError('This classification has no policy.');
    assertNotStale(input.expectedUpdatedAt, before.updatedAt, 'policy');
    const after = { intervalDays: input.intervalDays, graceHours: input.graceHours, reminderDays: input.reminderDays, requireApproval: input.requireApproval };
    const changes = changedFields(before, after, AUDITED_FIELDS);
    const audit = { action: 'policy.update', targetType: 'classification_policy', targetId: which, changes };
    await updateAudited(tx, caller, audit, () => tx.classificationPolicy.update({ where: { classification: which }, data: after }));
    // An expiring secret is due the reminder lead before its expiry: the lead just moved.
    if (before.reminderDays !== after.reminderDays) await recomputeNextDueOfClassification(tx, which);
    return { classification: which };
  });
}
