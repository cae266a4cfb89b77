// Input rules for the audit trail's retention period (Settings -> Audit retention).
//
// Bounds, and why: a period shorter than 90 days is refused, because an incident is often
// noticed weeks after it began and its evidence must still be there; PCI DSS (10.5.1) asks
// for the most recent three months to stay immediately available. The form warns below
// 365 days: regulators and annual audits usually want at least a year of history (PCI DSS
// asks for 12 months). 36,500 days (100 years) is the upper bound; to keep
// events longer, choose "keep forever", which is also the default.
import { z } from 'zod';
import { blankToUndefined } from './parse';

export const MIN_RETENTION_DAYS = 90;
export const MAX_RETENTION_DAYS = 36_500;
/** Below this the settings page and the audit page say the period may be too short for regulators. */
export const RECOMMENDED_MIN_RETENTION_DAYS = 365;

export const RETENTION_KEEP = ['forever', 'days'] as const;

const ZRetentionDays = z.coerce
  .number({ message: 'Enter a whole number of days' })
  .int('Enter a whole number of days')
  .min(MIN_RETENTION_DAYS, `At least ${MIN_RETENTION_DAYS} days: recent events must stay available for investigations`)
  .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS.toLocaleString('en')} days; to keep events longer, choose Keep forever`);

export const ZAuditRetentionInput = z
  .object({
    keep: z.enum(RETENTION_KEEP, { message: 'Choose whether to keep events forever or for a number of days' }),
    // Read only when keep is 'days' (the form sends its number field either way).
    retentionDays: z.unknown().optional(),
    /** updatedAt the editor saw; a mismatch means someone else saved in between. */
    expectedUpdatedAt: z.preprocess(blankToUndefined, z.iso.datetime().optional()),
  })
  .transform((input, ctx) => {
    if (input.keep === 'forever') return { retentionDays: null, expectedUpdatedAt: input.expectedUpdatedAt };
    const days = ZRetentionDays.safeParse(blankToUndefined(input.retentionDays));
    if (!days.success) {
      ctx.addIssue({ code: 'custom', path: ['retentionDays'], message: days.error.issues[0].message });
      return z.NEVER;
    }
    return { retentionDays: days.data, expectedUpdatedAt: input.expectedUpdatedAt };
  });

export type TAuditRetentionInput = z.infer<typeof ZAuditRetentionInput>;

/** The newest instant a purge may reach under a retention period: events before it are old enough. */
export function retentionCutoff(retentionDays: number, now: Date): Date {
  return new Date(now.getTime() - retentionDays * 86_400_000);
}
