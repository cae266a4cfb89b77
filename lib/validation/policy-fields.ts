// The ranges of a rotation policy's numbers, shared by the classification defaults
// (lib/validation/policy.ts) and a secret's own overrides (lib/validation/secret.ts).
import { z } from 'zod';
import { blankToUndefined } from './parse';

export const MAX_GRACE_HOURS = 720; // 30 days
export const MAX_REMINDER_DAYS = 365;
export const MAX_INTERVAL_DAYS = 3650;

const wholeNumber = (unit: string, min: number, max: number) =>
  z.coerce
    .number({ message: `Enter a whole number of ${unit}` })
    .int(`Enter a whole number of ${unit}`)
    .min(min, `At least ${min} ${unit}`)
    .max(max, `At most ${max} ${unit}`);

/** Days between rotations. */
export const ZIntervalDays = wholeNumber('days', 1, MAX_INTERVAL_DAYS);
/** Hours the previous value stays valid after a new one is promoted (0: retired at once). */
export const ZGraceHours = wholeNumber('hours', 0, MAX_GRACE_HOURS);
/** Days before the due date that reminders start. */
export const ZReminderDays = wholeNumber('days', 0, MAX_REMINDER_DAYS);

/** Blank means "use the classification's default" (the secret form). */
export const ZOptionalGraceHours = z.preprocess(blankToUndefined, ZGraceHours.optional());
export const ZOptionalReminderDays = z.preprocess(blankToUndefined, ZReminderDays.optional());
