// Administrators' side of sign-in security: ending a user's sessions, resetting a lost
// second factor, and the setting that requires a second factor (for administrators or
// for everyone with a password). Every change is audited in its transaction.
import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { callerCan } from '@/lib/auth/token-scopes';
import { endUserSessions } from '@/lib/auth/sessions';
import { db, type Tx } from '@/lib/db';
import { NotFoundError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { ZMfaRequirement, type TMfaRequirement } from '@/lib/validation/account';
import { uuidOrNil } from '@/lib/validation/ids';

async function lockTarget(tx: Tx, userId: string): Promise<{ id: string; email: string }> {
  const [row] = await tx.$queryRaw<{ id: string; email: string }[]>`
    SELECT id, email FROM users WHERE id = ${uuidOrNil(userId)}::uuid FOR UPDATE`;
  if (!row) throw new NotFoundError('This user does not exist.');
  return row;
}

/** Signs a user out of every browser at once (a lost laptop, a leaked cookie). */
export async function endSessionsOfUser(caller: Caller, userId: string): Promise<{ sessionsEnded: number }> {
  await authorize(caller, 'admin.users', { action: 'auth.sessions_end', targetType: 'user', targetId: userId });
  return db.$transaction(async (tx) => {
    const target = await lockTarget(tx, userId);
    return { sessionsEnded: await endUserSessions(tx, caller, target.id, 'admin', { always: true }) };
  });
}

/** Removes a user's second factor and recovery codes (a lost phone); their sessions end too. */
export async function resetSecondFactor(caller: Caller, userId: string): Promise<{ id: string; changed: boolean }> {
  await authorize(caller, 'admin.users', { action: 'user.mfa_reset', targetType: 'user', targetId: userId });
  return db.$transaction(async (tx) => {
    const target = await lockTarget(tx, userId);
    const before = await tx.user.findUnique({ where: { id: target.id }, select: { totpEnabledAt: true } });
    if (!before?.totpEnabledAt) return { id: target.id, changed: false };
    await tx.user.update({
      where: { id: target.id },
      data: { totpSecretEnc: null, totpPendingSecretEnc: null, totpEnabledAt: null, totpLastStep: null },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: target.id } });
    await endUserSessions(tx, caller, target.id, 'mfa_reset');
    await recordAudit(tx, caller, {
      action: 'user.mfa_reset',
      targetType: 'user',
      targetId: target.id,
      changes: { secondFactor: { before: 'totp', after: 'none' } },
      detail: { targetEmail: target.email },
    });
    return { id: target.id, changed: true };
  });
}

/** The setting itself; anyone signed in may know it (the enrolment page explains it). */
export async function mfaRequirement(): Promise<TMfaRequirement> {
  const row = await db.authSettings.findUnique({ where: { id: 1 }, select: { mfaRequired: true } });
  return row?.mfaRequired ?? 'off';
}

export async function setMfaRequirement(caller: Caller, raw: unknown): Promise<{ changed: boolean }> {
  await authorize(caller, 'admin.users', { action: 'settings.mfa_requirement', targetType: 'auth_settings', targetId: '1' });
  const { mfaRequired } = parseInput(ZMfaRequirement, raw);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO auth_settings (id, mfa_required, updated_at) VALUES (1, 'off', now()) ON CONFLICT (id) DO NOTHING`;
    const [row] = await tx.$queryRaw<{ mfa_required: TMfaRequirement }[]>`SELECT mfa_required FROM auth_settings WHERE id = 1 FOR UPDATE`;
    if (row.mfa_required === mfaRequired) return { changed: false };
    await tx.authSettings.update({ where: { id: 1 }, data: { mfaRequired } });
    await recordAudit(tx, caller, {
      action: 'settings.mfa_requirement',
      targetType: 'auth_settings',
      targetId: '1',
      changes: { mfaRequired: { before: row.mfa_required, after: mfaRequired } },
    });
    return { changed: true };
  });
}

/**
 * For the Overview's warning: active administrators with a password and no second
 * factor. Null for callers who are not administrators (nothing to show them).
 */
export async function adminsWithoutSecondFactor(caller: Caller): Promise<number | null> {
  if (!callerCan(caller, 'admin.users')) return null;
  return db.user.count({
    where: { role: 'admin', status: 'active', totpEnabledAt: null, passwordHash: { not: null } },
  });
}
