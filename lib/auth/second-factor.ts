// The second step of a local sign-in: after the right password, an account with TOTP
// must give a current code from its authenticator app or one of its unused recovery
// codes. Wrong codes are throttled per account across all addresses (5 per 15 minutes:
// with three valid codes in a million at any moment that makes guessing hopeless), and
// each code is accepted once (its time step, or the recovery code, is used up
// atomically, so two parallel submissions of one code cannot both pass).
import 'server-only';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { recordAudit } from '@/lib/audit/record';
import { db, pgPool } from '@/lib/db';
import type { Caller, SessionUser } from './caller';
import { checkTotp, hashRecoveryCode, looksLikeRecoveryCode } from './totp';
import { decryptTotpSecret } from './totp-secret';

export type SecondFactorOutcome = 'ok' | 'required' | 'invalid' | 'throttled';

export const MFA_FAILURES_PER_ACCOUNT = 5;
const WINDOW_SECONDS = 15 * 60;

let limiter: RateLimiterPostgres | undefined;
function failures(): RateLimiterPostgres {
  limiter ??= new RateLimiterPostgres({
    storeClient: pgPool(),
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix: 'mfa_account',
    points: MFA_FAILURES_PER_ACCOUNT,
    duration: WINDOW_SECONDS,
    blockDuration: WINDOW_SECONDS,
  });
  return limiter;
}

async function throttled(userId: string): Promise<boolean> {
  const res = await failures().get(userId);
  return Boolean(res && res.consumedPoints >= MFA_FAILURES_PER_ACCOUNT);
}

async function recordFailure(userId: string): Promise<void> {
  await failures()
    .consume(userId)
    .catch((e: unknown) => {
      if (!(e instanceof RateLimiterRes)) throw e;
    });
}

/** Uses up a recovery code; true when it was one of the account's unused codes. */
async function redeemRecoveryCode(userId: string, code: string): Promise<{ used: boolean; remaining: number }> {
  const { count } = await db.recoveryCode.updateMany({
    where: { userId, codeHash: hashRecoveryCode(code), usedAt: null },
    data: { usedAt: new Date() },
  });
  const remaining = count ? await db.recoveryCode.count({ where: { userId, usedAt: null } }) : 0;
  return { used: count === 1, remaining };
}

/** Accepts a TOTP code once: its time step must be newer than the last accepted one. */
async function acceptTotpCode(userId: string, code: string, now: Date): Promise<boolean> {
  const row = await db.user.findUnique({
    where: { id: userId },
    select: { totpSecretEnc: true, totpLastStep: true },
  });
  const secret = row?.totpSecretEnc ? decryptTotpSecret(userId, row.totpSecretEnc) : null;
  if (!secret) return false;
  const last = row?.totpLastStep === null || row?.totpLastStep === undefined ? null : Number(row.totpLastStep);
  const step = await checkTotp(secret, code, last, Math.floor(now.getTime() / 1000));
  if (step === null) return false;
  const claimed = await db.$executeRaw`
    UPDATE users SET totp_last_step = ${step}
    WHERE id = ${userId}::uuid AND (totp_last_step IS NULL OR totp_last_step < ${step})`;
  return claimed === 1;
}

/**
 * For a user whose password was just verified. 'ok' also when the account has no second
 * factor. Every answer but that one is audited.
 */
export async function checkSecondFactor(caller: Caller, user: SessionUser, code: string | undefined, now = new Date()): Promise<SecondFactorOutcome> {
  const account = await db.user.findUnique({ where: { id: user.id }, select: { totpEnabledAt: true } });
  if (!account?.totpEnabledAt) return 'ok';
  const audit = (action: string, outcome: 'success' | 'failed', detail: Record<string, string | number>) =>
    recordAudit(db, caller, { action, outcome, targetType: 'user', targetId: user.id, detail, actor: user });

  if (!code?.trim()) {
    await audit('auth.mfa_challenge', 'success', { method: 'totp' });
    return 'required';
  }
  if (await throttled(user.id)) {
    await audit('auth.mfa_verify', 'failed', { reason: 'rate_limited' });
    return 'throttled';
  }
  if (looksLikeRecoveryCode(code)) {
    const { used, remaining } = await redeemRecoveryCode(user.id, code);
    if (used) {
      await audit('auth.mfa_verify', 'success', { method: 'recovery_code', recoveryCodesLeft: remaining });
      return 'ok';
    }
  } else if (await acceptTotpCode(user.id, code, now)) {
    await audit('auth.mfa_verify', 'success', { method: 'totp' });
    return 'ok';
  }
  await recordFailure(user.id);
  await audit('auth.mfa_verify', 'failed', { reason: looksLikeRecoveryCode(code) ? 'wrong_recovery_code' : 'wrong_code' });
  return 'invalid';
}
