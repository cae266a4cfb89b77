// Input rules for accounts: sign-in, first-run setup, invitations.
import { z } from 'zod';
import { ROLES } from '@/lib/auth/permissions';

export const ZEmail = z
  .string({ message: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }).max(254));

export const ZNewPassword = z
  .string({ message: 'Choose a password' })
  .min(12, 'Use at least 12 characters')
  .max(256, 'Use at most 256 characters');

export const ZPersonName = z.string().trim().min(1, 'Enter a name').max(200, 'At most 200 characters');

export const ZRole = z.enum(ROLES, { message: 'Choose a role' });

export const ZSignIn = z.object({
  email: ZEmail,
  password: z.string().min(1, 'Enter your password').max(256),
});
