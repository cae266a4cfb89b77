// The rotation defaults per classification in the shape the secret form takes. Kept out
// of the form's client module so server pages can build it (a 'use client' module's
// functions cannot be called on the server).
import type { Classification } from '@/generated/prisma/enums';

/** The rotation defaults of each classification (Settings → Policies). */
export type PolicyDefaults = Record<Classification, { intervalDays: number; graceHours: number; reminderDays: number }>;

/** The defaults by classification, from lib/data/policies' list. */
export function policyDefaultsOf(
  policies: { classification: Classification; intervalDays: number; graceHours: number; reminderDays: number }[],
): PolicyDefaults {
  return Object.fromEntries(
    policies.map((p) => [p.classification, { intervalDays: p.intervalDays, graceHours: p.graceHours, reminderDays: p.reminderDays }]),
  ) as PolicyDefaults;
}
