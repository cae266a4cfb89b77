// A secret's effective rotation policy: its own settings, with the classification's
// defaults (ClassificationPolicy, editable by admins) where it has none.
import 'server-only';
import type { Classification } from '@/generated/prisma/enums';
import type { Tx } from '@/lib/db';
import { db } from '@/lib/db';

export type EffectivePolicy = { intervalDays: number | null; graceHours: number; reminderDays: number };

export async function effectivePolicy(
  client: Tx | typeof db,
  secret: { classification: Classification; rotationIntervalDays: number | null; graceHours: number | null; reminderDays: number | null },
): Promise<EffectivePolicy> {
  const defaults = await client.classificationPolicy.findUnique({ where: { classification: secret.classification } });
  return {
    intervalDays: secret.rotationIntervalDays,
    graceHours: secret.graceHours ?? defaults?.graceHours ?? 24,
    reminderDays: secret.reminderDays ?? defaults?.reminderDays ?? 14,
  };
}
