// One's own account security: open sessions, "sign out everywhere", and setting up the
// TOTP second factor (local accounts only: SSO accounts use their identity provider's).
// The TOTP secret is shown to its owner while enrolling and otherwise exists only as a
// ciphertext (lib/auth/totp-secret.ts); recovery codes are returned once, stored as hashes.
import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { endUserSessions } from '@/lib/auth/sessions';
import { checkTotp, newRecoveryCodes, newTotpSecret, totpQrSvg } from '@/lib/auth/totp';
import { decryptTotpSecret, encryptTotpSecret } from '@/lib/auth/totp-secret';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { InputError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { ZTotpConfirm } from '@/lib/validation/account';

export type OwnSession = {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
};

export async function listOwnSessions(caller: Caller, currentSessionId: string | null): Promise<OwnSession[]> {
  const user = await authorize(caller, 'account.self', { action: 'account.sessions_list', targetType: 'user' });
  const now = new Date();
  const rows = await db.userSession.findMany({
    where: {
      userId: user.id,
      revokedAt: null,
      expiresAt: { gt: now },
      lastSeenAt: { gt: new Date(now.getTime() - env().SESSION_IDLE_MINUTES * 60_000) },
    },
    select: { id: true, createdAt: true, lastSeenAt: true, ip: true, userAgent: true },
    orderBy: { lastSeenAt: 'desc' },
    take: 50,
  });
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    ip: r.ip,
    userAgent: r.userAgent,
    current: r.id === currentSessionId,
  }));
}

/** Ends every session of the caller, this one included. */
export async function signOutEverywhere(caller: Caller): Promise<{ sessionsEnded: number }> {
  const user = await authorize(caller, 'account.self', { action: 'auth.sessions_end', targetType: 'user' });
  const sessionsEnded = await db.$transaction((tx) => endUserSessions(tx, caller, user.id, 'sign_out_everywhere', { always: true }));
  return { sessionsEnded };
}

export type SecondFactorStatus = { kind: 'sso_only' } | { kind: 'enabled'; since: string; recoveryCodesLeft: number } | { kind: 'not_set_up' };

export async function secondFactorStatus(caller: Caller): Promise<SecondFactorStatus> {
  const user = await authorize(caller, 'account.self', { action: 'account.mfa_status', targetType: 'user' });
  const [row] = await db.$queryRaw<{ has_password: boolean; enabled_at: Date | null; left: number }[]>`
    SELECT u.password_hash IS NOT NULL AS has_password, u.totp_enabled_at AS enabled_at,
           (SELECT count(*)::int FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS left
    FROM users u WHERE u.id = ${user.id}::uuid`;
  if (row?.enabled_at) return { kind: 'enabled', since: row.enabled_at.toISOString(), recoveryCodesLeft: row.left };
  return row?.has_password ? { kind: 'not_set_up' } : { kind: 'sso_only' };
}

export type TotpEnrolment = { secret: string; qrSvg: string };

/**
 * The secret being set up, made on first call and kept (encrypted) until confirmed, so a
 * reload shows the same QR code. Null when a second factor is already on.
 */
export async function beginTotpEnrolment(caller: Caller): Promise<TotpEnrolment | null> {
  const user = await authorize(caller, 'account.self', { action: 'user.mfa_enrol', targetType: 'user' });
  const row = await db.user.findUnique({
    where: { id: user.id },
    select: { email: true, totpEnabledAt: true, totpPendingSecretEnc: true, passwordHash: true },
  });
  if (!row || row.totpEnabledAt) return null;
  if (!row.passwordHash) throw new InputError('Your account signs in through single sign-on: your identity provider handles the second factor.');
  let secret = row.totpPendingSecretEnc ? decryptTotpSecret(user.id, row.totpPendingSecretEnc) : null;
  if (!secret) {
    secret = newTotpSecret();
    const enc = encryptTotpSecret(user.id, secret);
    await db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { totpPendingSecretEnc: enc } });
      await recordAudit(tx, caller, { action: 'user.mfa_enrol', targetType: 'user', targetId: user.id, detail: { step: 'started' } });
    });
  }
  return { secret, qrSvg: await totpQrSvg(secret, row.email) };
}

/** Turns the pending secret on once a code from it checks out; returns the recovery codes, once. */
export async function confirmTotpEnrolment(caller: Caller, raw: unknown): Promise<{ recoveryCodes: string[] }> {
  const user = await authorize(caller, 'account.self', { action: 'user.mfa_enable', targetType: 'user' });
  const { code } = parseInput(ZTotpConfirm, raw);
  const { codes, hashes } = newRecoveryCodes();
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${user.id}::uuid FOR UPDATE`;
    const row = await tx.user.findUnique({ where: { id: user.id }, select: { totpEnabledAt: true, totpPendingSecretEnc: true } });
    if (row?.totpEnabledAt) throw new InputError('Your second factor is already set up.');
    const secret = row?.totpPendingSecretEnc ? decryptTotpSecret(user.id, row.totpPendingSecretEnc) : null;
    if (!secret) throw new InputError('Start again: reload this page for a new QR code.');
    const step = await checkTotp(secret, code, null);
    if (step === null) {
      throw new InputError('That code does not match. Check the time on your phone and enter the newest code.', {
        code: ['That code does not match'],
      });
    }
    await tx.user.update({
      where: { id: user.id },
      data: { totpSecretEnc: row!.totpPendingSecretEnc, totpPendingSecretEnc: null, totpEnabledAt: new Date(), totpLastStep: step },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ userId: user.id, codeHash })) });
    await recordAudit(tx, caller, {
      action: 'user.mfa_enable',
      targetType: 'user',
      targetId: user.id,
      changes: { secondFactor: { before: 'none', after: 'totp' } },
      detail: { recoveryCodes: hashes.length },
    });
    return { recoveryCodes: codes };
  });
}
