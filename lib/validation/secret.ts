// Input rules for inventory secrets, shared by forms, actions and CSV import.
import { z } from 'zod';
import { blankToUndefined, listFromText } from './parse';
import { actionId } from './ids';
import { ZOptionalGraceHours, ZOptionalReminderDays } from './policy-fields';
import { STRAGGLER_POLICIES } from './rotation-config';

export const CLASSIFICATIONS = ['critical', 'important', 'sensitive'] as const;
export const SECRET_STATUSES = ['active', 'compromised', 'deprecated', 'decommissioned'] as const;
export const PROVIDER_KINDS = ['aws', 'gcp', 'local', 'other'] as const;
export const ROTATION_STRATEGIES = ['manual', 'generated', 'postgres_role', 'provider_native', 'mysql_user', 'alternating_users'] as const;

// Cloud managers accept letters, digits and /_+=.@- ; spaces help spreadsheet names.
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._/:+=@-]*$/;
const TAG_RE = /^[a-z0-9][a-z0-9._:-]*$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day (YYYY-MM-DD) or full ISO timestamp, not in the future. */
export const ZPastDate = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .refine((s) => DAY_RE.test(s) || !Number.isNaN(Date.parse(s)), 'Use a date like 2026-01-31')
    .transform((s) => new Date(DAY_RE.test(s) ? `${s}T00:00:00Z` : s))
    .refine((d) => !Number.isNaN(d.getTime()), 'Use a date like 2026-01-31')
    .refine((d) => d.getTime() <= Date.now() + 60_000, 'Last rotated cannot be in the future')
    .optional(),
);

/** When a credential expires: a calendar day (midnight UTC) or a full ISO timestamp, blank for none. */
export const ZExpiryDate = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .refine((s) => DAY_RE.test(s) || !Number.isNaN(Date.parse(s)), 'Use a date like 2027-01-31')
    .transform((s) => new Date(DAY_RE.test(s) ? `${s}T00:00:00Z` : s))
    .refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 9999, 'Use a date like 2027-01-31')
    .optional(),
);

/** A pasted or uploaded certificate chain (PEM): parsed by the server, never stored. */
export const ZCertificatePem = z.preprocess(
  blankToUndefined,
  z
    .string()
    .max(64 * 1024, 'A certificate chain is at most 64 KiB')
    .optional(),
);

export const ZRotationInterval = z.preprocess(
  blankToUndefined,
  z.coerce
    .number({ message: 'Enter a whole number of days' })
    .int('Enter a whole number of days')
    .min(1, 'The interval must be at least 1 day')
    .max(3650, 'The interval can be at most 3650 days (10 years)')
    .optional(),
);

export const ZTags = z.preprocess(
  listFromText,
  z
    .array(z.string().trim().toLowerCase().max(50, 'Tags are at most 50 characters').regex(TAG_RE, 'Tags use lower-case letters, digits and . _ : -'))
    .max(20, 'At most 20 tags')
    .transform((tags) => [...new Set(tags)]),
);

export const ZSecretName = z
  .string({ message: 'Enter a name' })
  .trim()
  .min(1, 'Enter a name')
  .max(200, 'Names are at most 200 characters')
  .regex(NAME_RE, 'Start with a letter or digit; then letters, digits, spaces and . _ / : + = @ -');

export const ZSecretInput = z
  .object({
    name: ZSecretName,
    description: z.string().trim().max(2000, 'The description is at most 2000 characters').default(''),
    environmentId: z.uuid({ message: 'Choose an environment' }),
    ownerTeamId: z.uuid({ message: 'Choose the owning team' }),
    contactPerson: z.preprocess(blankToUndefined, z.string().trim().max(200, 'At most 200 characters').optional()),
    classification: z.enum(CLASSIFICATIONS, { message: 'Choose a classification' }),
    status: z.preprocess(blankToUndefined, z.enum(SECRET_STATUSES, { message: 'Choose a status' }).default('active')),
    providerKind: z.preprocess(blankToUndefined, z.enum(PROVIDER_KINDS, { message: 'Choose a provider' }).default('other')),
    providerRef: z.string().trim().max(2048, 'The provider reference is at most 2048 characters').default(''),
    /** The provider connection values are written through. When given, the server sets
     *  providerKind from it and checks (or derives) providerRef for that kind. */
    connectionId: z.preprocess(blankToUndefined, z.uuid({ message: 'Choose a connection from the list' }).optional()),
    lastRotatedAt: ZPastDate,
    rotationIntervalDays: ZRotationInterval,
    // Rotation policy. Blank grace/reminder fall back to the classification's defaults;
    // strategy settings (rotationConfig) are written elsewhere (lib/validation/rotation-config.ts).
    rotationStrategy: z.preprocess(blankToUndefined, z.enum(ROTATION_STRATEGIES, { message: 'Choose a rotation strategy' }).default('manual')),
    graceHours: ZOptionalGraceHours,
    reminderDays: ZOptionalReminderDays,
    /** When the grace period ends and consumers still use the old value: retire it anyway,
     *  extend the grace period once, or hold the retirement and notify the owning team. */
    stragglerPolicy: z.preprocess(
      blankToUndefined,
      z.enum(STRAGGLER_POLICIES, { message: 'Choose what happens when consumers still use the old value' }).default('retire'),
    ),
    /** A checkbox: 'on' (form), true (JSON) or absent. */
    autoRotate: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()),
    tags: ZTags.default([]),
    /** When the credential expires, whatever the rotation policy says; blank for none. */
    expiresAt: ZExpiryDate,
    /** A certificate chain whose earliest notAfter becomes expiresAt (its leaf subject is kept). */
    certificate: ZCertificatePem,
    consumerSystemIds: z.preprocess(
      listFromText,
      z
        .array(z.uuid({ message: 'Unknown system' }))
        .max(500, 'At most 500 consuming systems')
        .default([]),
    ),
    /** updatedAt the editor saw; a mismatch means someone else saved in between. */
    expectedUpdatedAt: z.preprocess(blankToUndefined, z.iso.datetime().optional()),
  })
  .superRefine((s, ctx) => {
    if (!s.autoRotate) return;
    if (s.rotationStrategy === 'manual') {
      ctx.addIssue({ code: 'custom', path: ['autoRotate'], message: 'Manual rotations need a person; choose another strategy to rotate automatically' });
    } else if (!s.rotationIntervalDays) {
      ctx.addIssue({ code: 'custom', path: ['autoRotate'], message: 'Automatic rotation needs a rotation interval' });
    }
  });

export type TSecretInput = z.infer<typeof ZSecretInput>;

export const ZDecommission = z.object({
  reason: z.string().trim().min(3, 'Say why this secret is decommissioned').max(500, 'At most 500 characters'),
});

/** Settings -> a secret's "database admin credential" mark (admins only). */
export const ZDbAdminCredential = z.object({
  dbAdminCredential: z.preprocess((v) => v === true || v === 'true' || v === 'on', z.boolean()),
});

const DAY_MS = 86_400_000;

/** When a secret must next be acted on: its rotation (never-rotated secrets with a policy
 *  are due now), or the reminder lead before its credential expires, whichever comes first.
 *  Every writer of next_due_at calls this (the due/overdue filters, sort and calendar read it). */
export function computeNextDue(s: {
  lastRotatedAt: Date | null | undefined;
  intervalDays: number | null | undefined;
  createdAt: Date;
  /** The credential's expiry and the secret's reminder lead (its own or its classification's). */
  expiry?: { at: Date; leadDays: number } | null;
}): Date | null {
  const scheduled = !s.intervalDays ? null : s.lastRotatedAt ? new Date(s.lastRotatedAt.getTime() + s.intervalDays * DAY_MS) : s.createdAt;
  const beforeExpiry = s.expiry ? new Date(s.expiry.at.getTime() - s.expiry.leadDays * DAY_MS) : null;
  if (!scheduled || !beforeExpiry) return scheduled ?? beforeExpiry;
  return beforeExpiry < scheduled ? beforeExpiry : scheduled;
}

export function searchTextOf(s: { name: string; description: string; tags: string[]; providerRef: string; contactPerson?: string | null }): string {
  return [s.name, s.description, s.tags.join(' '), s.providerRef, s.contactPerson ?? ''].join(' ').toLowerCase();
}

/** A secret id sent by a page (an id that matches nothing says so, like an unknown one). */
export const ZSecretRef = actionId('This secret does not exist.');
