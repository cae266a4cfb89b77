// Accepting an invite: a signed-out person proves they hold the one-time code an admin
// gave them and chooses a password. Public by design (no permission), so it is
// throttled like sign-in, and every failure gives the same message: whether the email
// exists, the code was wrong, used or expired is recorded for auditors, never shown.
import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import { recordAudit, type AuditEntry } from '@/lib/audit/record';
import { recordSignedOutDenial } from '@/lib/audit/signed-out-denials';
import { attemptLimiter } from '@/lib/auth/attempt-limiter';
import type { Caller } from '@/lib/auth/caller';
import { endUserSessions } from '@/lib/auth/sessions';
import { hashPassword } from '@/lib/auth/password';
import { db } from '@/lib/db';
import { InputError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { ZAcceptInvite } from '@/lib/validation/user';
import { sha256Hex } from './users';

export const INVALID_INVITE_MESSAGE = 'This invite code is not valid or has expired';
export const INVITE_THROTTLED_MESSAGE = 'Too many attempts. Wait 15 minutes, then try again.';

// Codes carry 192 random bits, so this is about noise and enumeration, not guessing.
const limiter = attemptLimiter({ name: 'invite', failuresPerKey: 5, failuresPerIp: 20, windowSeconds: 15 * 60 });

// Compared against when the account has no code, so every path does the same work.
const DECOY_HASH = sha256Hex('no-invite-for-this-account');

type Failure = 'unknown_account' | 'no_invite' | 'wrong_code' | 'expired' | 'account_disabled';

export async function acceptInvite(caller: Caller, raw: unknown): Promise<{ userId: string }> {
  const input = parseInput(ZAcceptInvite, raw);
  const ip = caller.request.ip;
  const failure = (reason: Failure | 'rate_limited', userId: string | null = null): AuditEntry => ({
    action: 'user.invite_accept',
    outcome: 'failed',
    targetType: 'user',
    targetId: userId ?? undefined,
    detail: { reason },
    actor: { id: userId, email: input.email },
  });
  const fail = (reason: Failure, userId: string | null = null) => recordAudit(db, caller, failure(reason, userId));

  // Counted before the code is checked, so a parallel burst gets no more tries than the limit.
  const attempt = await limiter.begin(input.email, ip);
  if (!attempt.allowed) {
    // Refused unchecked, like any signed-out denial: counted per address and minute past the first.
    await recordSignedOutDenial(caller, failure('rate_limited'));
    throw new InputError(INVITE_THROTTLED_MESSAGE);
  }

  // Hashed before looking anything up, so a right and a wrong code take the same time.
  const passwordHash = await hashPassword(input.password);
  const given = Buffer.from(sha256Hex(input.code), 'hex');
  const now = new Date();

  const outcome = await db.$transaction(async (tx) => {
    // The row lock makes a code single-use even when two tabs submit it at once.
    await tx.$executeRaw`SELECT 1 FROM users WHERE email = ${input.email} FOR UPDATE`;
    const account = await tx.user.findUnique({
      where: { email: input.email },
      select: { id: true, email: true, role: true, status: true, inviteCodeHash: true, inviteExpires: true, passwordHash: true },
    });
    const matches = timingSafeEqual(Buffer.from(account?.inviteCodeHash ?? DECOY_HASH, 'hex'), given);
    if (!account) return { failure: 'unknown_account' as const, userId: null };
    const failure: Failure | null = !account.inviteCodeHash
      ? 'no_invite'
      : !matches
        ? 'wrong_code'
        : !account.inviteExpires || account.inviteExpires <= now
          ? 'expired'
          : account.status !== 'active'
            ? 'account_disabled'
            : null;
    if (failure) return { failure, userId: account.id };

    await tx.user.update({
      where: { id: account.id },
      data: { passwordHash, inviteCodeHash: null, inviteExpires: null },
    });
    // A new password (a reset) ends every session made with the old one.
    await endUserSessions(tx, caller, account.id, 'password_reset');
    await recordAudit(tx, caller, {
      action: 'user.invite_accept',
      targetType: 'user',
      targetId: account.id,
      detail: { replacedPassword: account.passwordHash !== null },
      actor: { id: account.id, email: account.email, role: account.role },
    });
    return { failure: null, userId: account.id };
  });

  if (outcome.failure) {
    await fail(outcome.failure, outcome.userId);
    throw new InputError(INVALID_INVITE_MESSAGE);
  }
  await attempt.succeeded();
  return { userId: outcome.userId };
}
