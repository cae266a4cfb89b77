// Input rules for the rotation defaults per classification (Settings → Policies).
import { z } from 'zod';
import { blankToUndefined } from './parse';
import { ZGraceHours, ZIntervalDays, ZReminderDays } from './policy-fields';
import { CLASSIFICATIONS } from './secret';

export const ZClassificationParam = z.enum(CLASSIFICATIONS, { message: 'Unknown classification' });

export const ZPolicyInput = z
  .object({
    // A default always has an interval: "no policy" is a per-secret choice.
    intervalDays: z.preprocess(blankToUndefined, ZIntervalDays),
    graceHours: z.preprocess(blankToUndefined, ZGraceHours),
    reminderDays: z.preprocess(blankToUndefined, ZReminderDays),
    /** The two-person rule in production. A checkbox: 'on' (form), true (JSON) or absent. */
    requireApproval: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()),
    /** updatedAt the editor saw; a mismatch means someone else saved in between. */
    expectedUpdatedAt: z.preprocess(blankToUndefined, z.iso.datetime().optional()),
  })
  .refine((p) => p.reminderDays < p.intervalDays, {
    path: ['reminderDays'],
    message: 'Reminders must start less than one interval before the due date',
  });

export type TPolicyInput = z.infer<typeof ZPolicyInput>;
