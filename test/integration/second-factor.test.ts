// The TOTP second factor against real PostgreSQL: enrolment (secret stored encrypted,
// confirmed by a code, recovery codes shown once and stored hashed), sign-in asking for
// a code after the password, each code accepted once, guesses throttled per account,
// and an administrator's reset. Codes are computed here with otplib from the secret.
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { callerFor, type Caller } from '@/lib/auth/caller';
import { signInWithPassword } from '@/lib/auth/local-sign-in';
import { hashPassword } from '@/lib/auth/password';
import { MFA_FAILURES_PER_ACCOUNT } from '@/lib/auth/second-factor';
import { decryptTotpSecret } from '@/lib/auth/totp-secret';
import { beginTotpEnrolment, confirmTotpEnrolment, secondFactorStatus } from '@/lib/data/account';
import { adminsWithoutSecondFactor, resetSecondFactor } from '@/lib/data/user-security';
import { db } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import { callerAs, seedUser, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const PASSWORD = 'correct horse battery staple';
let n = 0;
const from = (): Caller => callerFor(null, { ...TEST_REQUEST, ip: `203.0.113.${++n}` });
const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

async function allAuditJson(): Promise<string> {
  const rows = await db.$queryRaw<{ j: string }[]>`SELECT row_to_json(e)::text AS j FROM audit_events e`;
  return rows.map((r) => r.j).join('\n');
}

/** A password account with TOTP set up through the real enrolment steps. */
async function enrolled(role: 'admin' | 'engineer' = 'engineer') {
  const user = await seedUser(role, { passwordHash: await hashPassword(PASSWORD) });
  const caller = callerFor(user, TEST_REQUEST);
  const enrolment = await beginTotpEnrolment(caller);
  const { recoveryCodes } = await confirmTotpEnrolment(caller, { code: await codeAt(enrolment!.secret) });
  return { user, caller, secret: enrolment!.secret, recoveryCodes };
}

describe('enrolment', () => {
  it('keeps the secret encrypted, confirms it with a code and returns recovery codes once, stored hashed', async () => {
    const user = await seedUser('engineer', { passwordHash: await hashPassword(PASSWORD) });
    const caller = callerFor(user, TEST_REQUEST);
    expect(await secondFactorStatus(caller)).toEqual({ kind: 'not_set_up' });
    const first = await beginTotpEnrolment(caller);
    expect(first?.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(first?.qrSvg).toContain('<svg');
    // A reload shows the same secret until it is confirmed.
    expect((await beginTotpEnrolment(caller))?.secret).toBe(first!.secret);

    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpPendingSecretEnc: true, totpSecretEnc: true } });
    expect(stored.totpSecretEnc).toBeNull();
    expect(stored.totpPendingSecretEnc).not.toContain(first!.secret);
    expect(decryptTotpSecret(user.id, stored.totpPendingSecretEnc!)).toBe(first!.secret);
    // Bound to its user: the same ciphertext on another row does not decrypt.
    expect(decryptTotpSecret((await seedUser('viewer')).id, stored.totpPendingSecretEnc!)).toBeNull();

    const wrong = await confirmTotpEnrolment(caller, { code: '000000' }).catch((e: unknown) => e);
    if ((await codeAt(first!.secret)) !== '000000') expect(wrong).toBeInstanceOf(InputError);
    const { recoveryCodes } = await confirmTotpEnrolment(caller, { code: await codeAt(first!.secret) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const status = await secondFactorStatus(caller);
    expect(status).toMatchObject({ kind: 'enabled', recoveryCodesLeft: 10 });
    expect(await beginTotpEnrolment(caller)).toBeNull();
    const hashes = await db.recoveryCode.findMany({ where: { userId: user.id }, select: { codeHash: true } });
    for (const code of recoveryCodes) expect(JSON.stringify(hashes)).not.toContain(code);

    const audit = await allAuditJson();
    expect(audit).not.toContain(first!.secret);
    for (const code of recoveryCodes) expect(audit).not.toContain(code);
    const enabled = await db.auditEvent.findFirstOrThrow({ where: { action: 'user.mfa_enable', targetId: user.id } });
    expect(enabled.changes).toEqual({ secondFactor: { before: 'none', after: 'totp' } });
  });

  it('is refused to signed-out callers and to SSO-only accounts', async () => {
    await expect(beginTotpEnrolment(callerFor(null, TEST_REQUEST))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(confirmTotpEnrolment(callerFor(null, TEST_REQUEST), { code: '123456' })).rejects.toBeInstanceOf(ForbiddenError);
    const sso = await callerAs('engineer');
    await expect(beginTotpEnrolment(sso)).rejects.toBeInstanceOf(InputError);
  });
});

describe('sign-in with a second factor', () => {
  it('asks for a code after the right password, and accepts each code once', async () => {
    const { user, secret } = await enrolled();
    expect(await signInWithPassword(from(), { email: user.email, password: PASSWORD })).toEqual({ ok: false, reason: 'mfa_required' });
    // A wrong password never reaches the code question.
    expect(await signInWithPassword(from(), { email: user.email, password: 'wrong', code: await codeAt(secret, 30) })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    const next = await codeAt(secret, 30);
    expect((await signInWithPassword(from(), { email: user.email, password: PASSWORD, code: next })).ok).toBe(true);
    // The same code again (a replay, or a parallel second tab) is refused.
    expect(await signInWithPassword(from(), { email: user.email, password: PASSWORD, code: next })).toEqual({ ok: false, reason: 'mfa_invalid' });
    // So is the one the enrolment used (an earlier time step).
    expect(await signInWithPassword(from(), { email: user.email, password: PASSWORD, code: await codeAt(secret) })).toEqual({
      ok: false,
      reason: 'mfa_invalid',
    });
    const verified = await db.auditEvent.findMany({ where: { action: 'auth.mfa_verify', targetId: user.id }, orderBy: { id: 'asc' } });
    expect(verified.map((e) => e.outcome)).toEqual(['success', 'failed', 'failed']);
  });

  it('accepts each recovery code once, in any case and spacing', async () => {
    const { user, recoveryCodes } = await enrolled();
    const [code] = recoveryCodes;
    const typed = ` ${code.toUpperCase().replaceAll('-', ' ')} `;
    expect((await signInWithPassword(from(), { email: user.email, password: PASSWORD, code: typed })).ok).toBe(true);
    expect(await signInWithPassword(from(), { email: user.email, password: PASSWORD, code })).toEqual({ ok: false, reason: 'mfa_invalid' });
    expect((await signInWithPassword(from(), { email: user.email, password: PASSWORD, code: recoveryCodes[1] })).ok).toBe(true);
    const used = await db.auditEvent.findFirstOrThrow({
      where: { action: 'auth.mfa_verify', targetId: user.id, outcome: 'success' },
      orderBy: { id: 'desc' },
    });
    expect(used.detail).toMatchObject({ method: 'recovery_code', recoveryCodesLeft: 8 });
  });

  it(`throttles code guesses per account after ${MFA_FAILURES_PER_ACCOUNT} failures, from any address`, async () => {
    const { user, secret } = await enrolled();
    for (let i = 0; i < MFA_FAILURES_PER_ACCOUNT; i++) {
      // Each guess from a new address: the limit is the account's, not the address's.
      await signInWithPassword(from(), { email: user.email, password: PASSWORD, code: '999999' === (await codeAt(secret, 30)) ? '999998' : '999999' });
    }
    expect(await signInWithPassword(from(), { email: user.email, password: PASSWORD, code: await codeAt(secret, 30) })).toEqual({
      ok: false,
      reason: 'throttled',
    });
    const limited = await db.auditEvent.findFirst({
      where: { action: 'auth.mfa_verify', targetId: user.id, detail: { path: ['reason'], equals: 'rate_limited' } },
    });
    expect(limited).not.toBeNull();
  });

  it('is no longer asked after an administrator resets the factor; only admins may reset', async () => {
    const { user } = await enrolled();
    for (const role of ['engineer', 'viewer', 'auditor'] as const) {
      await expect(resetSecondFactor(await callerAs(role), user.id)).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await signInWithPassword(from(), { email: user.email, password: PASSWORD })).toMatchObject({ reason: 'mfa_required' });
    const admin = await callerAs('admin');
    expect(await resetSecondFactor(admin, user.id)).toEqual({ id: user.id, changed: true });
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await signInWithPassword(from(), { email: user.email, password: PASSWORD })).ok).toBe(true);
    expect(await db.auditEvent.findFirst({ where: { action: 'user.mfa_reset', targetId: user.id, actorId: admin.user!.id } })).not.toBeNull();
  });
});

describe('the Overview warning', () => {
  it('counts active password administrators without a second factor, for administrators only', async () => {
    const admin = await callerAs('admin');
    const before = (await adminsWithoutSecondFactor(admin))!;
    await seedUser('admin', { passwordHash: await hashPassword(PASSWORD) });
    expect(await adminsWithoutSecondFactor(admin)).toBe(before + 1);
    await enrolled('admin');
    expect(await adminsWithoutSecondFactor(admin)).toBe(before + 1);
    expect(await adminsWithoutSecondFactor(await callerAs('engineer'))).toBeNull();
  });
});
