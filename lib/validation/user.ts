// Input rules for accounts: sign-in, first-run setup, invitations.
import { z } from 'zod';
import { actionId } from '@/lib/validation/ids';
import { ROLES } from '@/lib/auth/permissions';

export const ZEmail = z
  .string({ message: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }).max(254));

export const ZNewPassword = z.string({ message: 'Choose a password' }).min(12, 'Use at least 12 characters').max(256, 'Use at most 256 characters');

export const ZPersonName = z.string().trim().min(1, 'Enter a name').max(200, 'At most 200 characters');

export const ZRole = z.enum(ROLES, { message: 'Choose a role' });

export const ZSignIn = z.object({
  email: ZEmail,
  password: z.string().min(1, 'Enter your password').max(256),
  // The second factor's code (6 digits) or a recovery code, once the account asks for it.
  code: z.string().trim().max(64).optional(),
});

export const SIGN_IN_METHODS = ['password', 'sso'] as const;
export const USER_STATUSES = ['active', 'disabled'] as const;

export const ZUserCreate = z.object({
  email: ZEmail,
  name: ZPersonName,
  role: ZRole,
  signIn: z.enum(SIGN_IN_METHODS, { message: 'Choose how this person signs in' }),
});
export type TUserCreate = z.infer<typeof ZUserCreate>;

export const ZRoleChange = z.object({ role: ZRole });
export const ZUserStatus = z.object({ status: z.enum(USER_STATUSES, { message: 'Choose active or disabled' }) });

/** Invite codes are 32 base64url characters; anything far longer is not one. */
export const ZInviteCode = z.string({ message: 'Enter the invite code' }).trim().min(1, 'Enter the invite code').max(200);

export const ZAcceptInvite = z
  .object({
    email: ZEmail,
    code: ZInviteCode,
    password: ZNewPassword,
    // The form sends the repeated password; callers that do not are not second-guessed.
    confirmPassword: z.string().max(256).optional(),
  })
  .refine((v) => v.confirmPassword === undefined || v.confirmPassword === v.password, {
    message: 'The two passwords do not match',
    path: ['confirmPassword'],
  });
export type TAcceptInvite = z.infer<typeof ZAcceptInvite>;

/** A user id sent by the Users page (an id that matches nothing says the same as the data layer). */
export const ZUserRef = actionId('This user does not exist.');
