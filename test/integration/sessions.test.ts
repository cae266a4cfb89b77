// Server-side sessions against real PostgreSQL: every way a session ends makes its id
// refused by liveSession (what getCaller and next-auth's session read both ask), so a
// copied cookie stops working; and each ending is audited.
import { describe, expect, it } from 'vitest';
import { callerFor } from '@/lib/auth/caller';
import { hashPassword } from '@/lib/auth/password';
import { endSession, liveSession, startSession } from '@/lib/auth/sessions';
import { signOutEverywhere } from '@/lib/data/account';
import { acceptInvite } from '@/lib/data/invitations';
import { endSessionsOfUser, resetSecondFactor, setMfaRequirement } from '@/lib/data/user-security';
import { changeRole, resetInvite, setUserStatus } from '@/lib/data/users';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { ForbiddenError } from '@/lib/errors';
import { callerAs, seedUser, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const anonymous = callerFor(null, TEST_REQUEST);

async function signedIn(role: 'admin' | 'engineer' | 'viewer' | 'auditor' = 'engineer', passwordHash: string | null = null) {
  const user = await seedUser(role, { passwordHash });
  const sessionId = await startSession(anonymous, user.id, 'password');
  return { user, sessionId, caller: callerFor(user, TEST_REQUEST) };
}

async function lastEnd(userId: string) {
  return db.auditEvent.findFirstOrThrow({ where: { action: 'auth.sessions_end', targetId: userId }, orderBy: { id: 'desc' } });
}

describe('a session', () => {
  it('is live after sign-in, with the user read fresh, and its start is audited', async () => {
    const { user, sessionId } = await signedIn('viewer');
    expect(await liveSession(sessionId, user.id)).toEqual({ user, mfaEnrolmentRequired: false });
    // A token whose user id does not match the session's is refused.
    const other = await seedUser('viewer');
    expect(await liveSession(sessionId, other.id)).toBeNull();
    const start = await db.auditEvent.findFirstOrThrow({ where: { action: 'auth.session_start', targetId: sessionId } });
    expect(start).toMatchObject({ actorId: user.id, detail: { method: 'password' } });
  });

  it('ends at sign-out', async () => {
    const { user, sessionId } = await signedIn();
    expect(await endSession(anonymous, sessionId, 'sign_out')).toBe(true);
    expect(await liveSession(sessionId, user.id)).toBeNull();
    expect(await db.auditEvent.findFirst({ where: { action: 'auth.session_end', targetId: sessionId } })).toMatchObject({
      detail: { reason: 'sign_out', userId: user.id },
    });
  });

  it('ends after SESSION_IDLE_MINUTES unused, and at its absolute max age even when used', async () => {
    const { user, sessionId } = await signedIn();
    const start = Date.now();
    const idle = env().SESSION_IDLE_MINUTES * 60_000;
    // Used just before the idle limit: still live, and the use moves last-seen on.
    expect(await liveSession(sessionId, user.id, new Date(start + idle - 5_000))).not.toBeNull();
    expect(await liveSession(sessionId, user.id, new Date(start + 2 * idle - 10_000))).not.toBeNull();
    // Then left alone for longer than the idle limit.
    expect(await liveSession(sessionId, user.id, new Date(start + 3 * idle))).toBeNull();

    const busy = await signedIn();
    const max = env().SESSION_MAX_AGE_MINUTES * 60_000;
    for (let t = start; t < start + max; t += idle / 2) expect(await liveSession(busy.sessionId, busy.user.id, new Date(t))).not.toBeNull();
    expect(await liveSession(busy.sessionId, busy.user.id, new Date(start + max + 1_000))).toBeNull();
  });

  it('"sign out everywhere" ends every session of the user, and only theirs', async () => {
    const { user, sessionId, caller } = await signedIn();
    const second = await startSession(anonymous, user.id, 'password');
    const bystander = await signedIn();
    expect(await signOutEverywhere(caller)).toEqual({ sessionsEnded: 2 });
    expect(await liveSession(sessionId, user.id)).toBeNull();
    expect(await liveSession(second, user.id)).toBeNull();
    expect(await liveSession(bystander.sessionId, bystander.user.id)).not.toBeNull();
    expect(await lastEnd(user.id)).toMatchObject({ actorId: user.id, detail: { reason: 'sign_out_everywhere', sessionsEnded: 2 } });
    await expect(signOutEverywhere(anonymous)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('ends when an admin changes the role or disables the account', async () => {
    const admin = await callerAs('admin');
    const promoted = await signedIn('viewer');
    await changeRole(admin, promoted.user.id, 'engineer');
    expect(await liveSession(promoted.sessionId, promoted.user.id)).toBeNull();
    expect(await lastEnd(promoted.user.id)).toMatchObject({ actorId: admin.user!.id, detail: { reason: 'role_change', sessionsEnded: 1 } });

    const disabled = await signedIn('engineer');
    await setUserStatus(admin, disabled.user.id, 'disabled');
    expect(await liveSession(disabled.sessionId, disabled.user.id)).toBeNull();
    // Enabling again does not bring the old session back.
    await setUserStatus(admin, disabled.user.id, 'active');
    expect(await liveSession(disabled.sessionId, disabled.user.id)).toBeNull();
    expect(await lastEnd(disabled.user.id)).toMatchObject({ detail: { reason: 'disabled' } });
  });

  it('ends when the password is reset with an invite code', async () => {
    const admin = await callerAs('admin');
    const { user, sessionId } = await signedIn('engineer', await hashPassword('the old password 123'));
    const { inviteCode } = await resetInvite(admin, user.id);
    await acceptInvite(callerFor(null, { ...TEST_REQUEST, ip: '198.51.100.9' }), {
      email: user.email,
      code: inviteCode,
      password: 'a brand new password 456',
    });
    expect(await liveSession(sessionId, user.id)).toBeNull();
    expect(await lastEnd(user.id)).toMatchObject({ actorId: user.id, detail: { reason: 'password_reset' } });
  });

  it("ends when an admin ends the user's sessions; nobody else may", async () => {
    const admin = await callerAs('admin');
    const { user, sessionId } = await signedIn('auditor');
    for (const role of ['engineer', 'viewer', 'auditor'] as const) {
      await expect(endSessionsOfUser(await callerAs(role), user.id)).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await liveSession(sessionId, user.id)).not.toBeNull();
    expect(await endSessionsOfUser(admin, user.id)).toEqual({ sessionsEnded: 1 });
    expect(await liveSession(sessionId, user.id)).toBeNull();
    expect(await lastEnd(user.id)).toMatchObject({ actorId: admin.user!.id, detail: { reason: 'admin', sessionsEnded: 1 } });
  });

  it('ends when an admin resets the second factor', async () => {
    const admin = await callerAs('admin');
    const { user, sessionId } = await signedIn('engineer', await hashPassword('some password 789'));
    await db.user.update({ where: { id: user.id }, data: { totpEnabledAt: new Date(), totpSecretEnc: 'v1.x.y.z' } });
    expect(await resetSecondFactor(admin, user.id)).toEqual({ id: user.id, changed: true });
    expect(await liveSession(sessionId, user.id)).toBeNull();
  });

  it('of a password account is held to enrolment while a second factor is required and missing', async () => {
    const admin = await callerAs('admin');
    const local = await signedIn('admin', await hashPassword('admin password 000'));
    const sso = await signedIn('admin');
    const engineer = await signedIn('engineer', await hashPassword('engineer password 000'));
    try {
      await setMfaRequirement(admin, { mfaRequired: 'admins' });
      expect(await liveSession(local.sessionId, local.user.id)).toMatchObject({ mfaEnrolmentRequired: true });
      expect(await liveSession(sso.sessionId, sso.user.id)).toMatchObject({ mfaEnrolmentRequired: false });
      expect(await liveSession(engineer.sessionId, engineer.user.id)).toMatchObject({ mfaEnrolmentRequired: false });
      await setMfaRequirement(admin, { mfaRequired: 'everyone' });
      expect(await liveSession(engineer.sessionId, engineer.user.id)).toMatchObject({ mfaEnrolmentRequired: true });
      await db.user.update({ where: { id: engineer.user.id }, data: { totpEnabledAt: new Date() } });
      expect(await liveSession(engineer.sessionId, engineer.user.id)).toMatchObject({ mfaEnrolmentRequired: false });
      await expect(setMfaRequirement(engineer.caller, { mfaRequired: 'off' })).rejects.toBeInstanceOf(ForbiddenError);
      const changed = await db.auditEvent.findMany({ where: { action: 'settings.mfa_requirement', outcome: 'success' }, orderBy: { id: 'asc' } });
      expect(changed.map((e) => e.changes)).toEqual([
        { mfaRequired: { before: 'off', after: 'admins' } },
        { mfaRequired: { before: 'admins', after: 'everyone' } },
      ]);
    } finally {
      await setMfaRequirement(admin, { mfaRequired: 'off' });
    }
  });
});
