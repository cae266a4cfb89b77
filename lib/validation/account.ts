// Input rules for one's own account security: the code that confirms a new second factor,
// and the administrators' second-factor requirement.
import { z } from 'zod';

export const ZTotpConfirm = z.object({
  code: z
    .string({ message: 'Enter the 6-digit code from your app' })
    .trim()
    .transform((v) => v.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your app')),
});

export const MFA_REQUIREMENTS = ['off', 'admins', 'everyone'] as const;
export const ZMfaRequirement = z.object({
  mfaRequired: z.enum(MFA_REQUIREMENTS, { message: 'Choose who must use a second factor' }),
});
export type TMfaRequirement = z.infer<typeof ZMfaRequirement>['mfaRequired'];

export const MFA_REQUIREMENT_LABELS: Record<TMfaRequirement, string> = {
  off: 'Optional for everyone',
  admins: 'Required for administrators',
  everyone: 'Required for everyone',
};
