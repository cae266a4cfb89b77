// Email + password sign-in: throttled (the attempt is counted before the password is
// checked), constant-time on unknown accounts, audited whether it succeeds or fails. The
// password itself is never recorded anywhere.
import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { recordSignedOutDenial } from '@/lib/audit/signed-out-denials';
import { db } from '@/lib/db';
import { ZSignIn } from '@/lib/validation/user';
import type { Caller, SessionUser } from './caller';
import { verifyPassword } from './password';
import { recordFailedSignIn } from './failed-sign-in';
import { checkSecondFactor } from './second-factor';
import { beginSignInAttempt } from './sign-in-limiter';

export type SignInResult = { ok: true; user: SessionUser } | { ok: false; reason: 'invalid' | 'throttled' | 'mfa_required' | 'mfa_invalid' };

export async function signInWithPassword(caller: Caller, raw: unknown): Promise<SignInResult> {
  const parsed = ZSignIn.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid' };
  const { email, password, code } = parsed.data;
  const ip = caller.request.ip;
  const attempt = await beginSignInAttempt(email, ip);
  if (!attempt.allowed) {
    // No password is checked: a refused request like any signed-out denial, so a client
    // looping past the limit is counted per address and minute, not recorded per request.
    // limit: 'address' (this IP's failures) or 'account' (the account's slow-down).
    await recordSignedOutDenial(caller, {
      action: 'auth.sign_in',
      outcome: 'failed',
      targetType: 'user',
      detail: { method: 'password', reason: 'rate_limited', limit: attempt.limit },
      actor: { id: null, email },
    });
    return { ok: false, reason: 'throttled' };
  }

  const account = await db.user.findUnique({
    where: { email, kind: 'person' },
    select: { id: true, email: true, name: true, role: true, status: true, passwordHash: true },
  });
  const passwordOk = await verifyPassword(account?.passwordHash ?? null, password);
  if (!account || !passwordOk || account.status !== 'active') {
    const reason = !account ? 'unknown_account' : !passwordOk ? 'wrong_password' : 'account_disabled';
    await recordFailedSignIn(caller, 'password', reason, email, account?.id ?? null);
    return { ok: false, reason: 'invalid' };
  }

  await attempt.succeeded();
  const user: SessionUser = { id: account.id, email: account.email, name: account.name, role: account.role };
  const secondFactor = await checkSecondFactor(caller, user, code);
  if (secondFactor !== 'ok') {
    return { ok: false, reason: secondFactor === 'required' ? 'mfa_required' : secondFactor === 'throttled' ? 'throttled' : 'mfa_invalid' };
  }
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    await recordAudit(tx, caller, {
      action: 'auth.sign_in',
      targetType: 'user',
      targetId: user.id,
      detail: { method: 'password' },
      actor: user,
    });
  });
  return { ok: true, user };
}
