// Sign-in and first-run setup through the data layer, against real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callerFor } from '@/lib/auth/caller';
import { signInWithPassword } from '@/lib/auth/local-sign-in';
import { signInWithOidc } from '@/lib/auth/oidc';
import { hashPassword } from '@/lib/auth/password';
import { completeSetup, isSetupOpen, issueSetupToken } from '@/lib/data/setup';
import { db } from '@/lib/db';
import { InputError } from '@/lib/errors';
import { seedUser, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

process.env.OIDC_ROLE_MAP = 'sec-engineers=engineer;sec-auditors=auditor';
useTestDatabase();

// An address of its own each: a signed-out address's later denials in a minute are only counted.
let addresses = 0;
const anonymous = (ip = `10.0.${Math.floor(++addresses / 250)}.${addresses % 250}`) => callerFor(null, { ...TEST_REQUEST, ip });

describe('first-run setup', () => {
  // Runs first in this file's fresh database: no user exists yet.
  it('accepts only the newest token, creates one admin, then closes for good', async () => {
    expect(await isSetupOpen()).toBe(true);
    const older = await issueSetupToken();
    const token = await issueSetupToken();
    expect(older).toBeTruthy();
    const details = { name: 'Ada Admin', email: 'Ada@Example.test', password: 'correct horse battery' };

    const wrong = await completeSetup(anonymous(), { ...details, token: older }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(InputError);
    expect((wrong as InputError).fieldErrors.token).toBeDefined();
    expect(await db.user.count()).toBe(0);
    expect(await db.auditEvent.findFirst({ where: { action: 'setup.complete', outcome: 'denied' } })).not.toBeNull();

    const { userId } = await completeSetup(anonymous(), { ...details, token });
    const admin = await db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(admin).toMatchObject({ email: 'ada@example.test', role: 'admin' });
    expect(await isSetupOpen()).toBe(false);
    expect(await issueSetupToken()).toBeNull();
    await expect(completeSetup(anonymous(), { ...details, email: 'eve@example.test', token })).rejects.toThrow(/already complete/);
    expect(await db.user.count()).toBe(1);
    const late = await db.auditEvent.findFirst({ where: { action: 'setup.complete', actorEmail: 'eve@example.test' } });
    expect(late).toMatchObject({ outcome: 'denied', detail: { reason: 'setup_closed' } });
  });
});

describe('password sign-in', () => {
  it('signs in with the right password and audits success and failure without the password', async () => {
    const password = `pw-${randomUUID()}`;
    const user = await seedUser('engineer', { passwordHash: await hashPassword(password) });
    const caller = anonymous();
    expect(await signInWithPassword(caller, { email: user.email, password: 'wrong-password' })).toEqual({ ok: false, reason: 'invalid' });
    const ok = await signInWithPassword(caller, { email: user.email.toUpperCase(), password });
    expect(ok).toMatchObject({ ok: true, user: { id: user.id, role: 'engineer' } });

    const events = await db.auditEvent.findMany({ where: { action: 'auth.sign_in', actorEmail: user.email }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.outcome)).toEqual(['failed', 'success']);
    expect(events[0].detail).toMatchObject({ reason: 'wrong_password' });
    expect(JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(password);
  });

  it('refuses unknown and disabled accounts with the same answer', async () => {
    const password = `pw-${randomUUID()}`;
    const user = await seedUser('viewer', { passwordHash: await hashPassword(password) });
    await db.user.update({ where: { id: user.id }, data: { status: 'disabled' } });
    expect(await signInWithPassword(anonymous(), { email: user.email, password })).toEqual({ ok: false, reason: 'invalid' });
    expect(await signInWithPassword(anonymous(), { email: 'nobody@example.test', password })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('throttles after five failures for one account from one address', async () => {
    const password = `pw-${randomUUID()}`;
    const user = await seedUser('viewer', { passwordHash: await hashPassword(password) });
    const caller = anonymous('192.0.2.7');
    for (let i = 0; i < 5; i++) await signInWithPassword(caller, { email: user.email, password: 'nope' });
    expect(await signInWithPassword(caller, { email: user.email, password })).toEqual({ ok: false, reason: 'throttled' });
    // Another address is not blocked by this one's failures.
    expect((await signInWithPassword(anonymous('192.0.2.8'), { email: user.email, password })).ok).toBe(true);
    const limited = await db.auditEvent.findFirst({ where: { actorEmail: user.email, detail: { path: ['reason'], equals: 'rate_limited' } } });
    expect(limited).not.toBeNull();
  });
});

/** What the identity provider asserts for a member of the engineers' group with a verified email (a new subject unless given). */
const engineerIdentity = (email: string, subject: string = randomUUID()) => ({ subject, email, emailVerified: true, name: null, groups: ['sec-engineers'] });

describe('OIDC sign-in', () => {
  it('creates the account with the role its groups map to, and follows group changes', async () => {
    const subject = randomUUID();
    const email = `${subject.slice(0, 8)}@sso.example.test`;
    const first = await signInWithOidc(anonymous(), { subject, email, emailVerified: true, name: 'Sam SSO', groups: ['sec-engineers'] });
    expect(first).toMatchObject({ ok: true, user: { role: 'engineer', email } });
    const again = await signInWithOidc(anonymous(), { subject, email, emailVerified: true, name: 'Sam SSO', groups: ['sec-auditors'] });
    expect(again).toMatchObject({ ok: true, user: { role: 'auditor' } });
    expect(await db.user.count({ where: { oidcSubject: subject } })).toBe(1);
    const change = await db.auditEvent.findFirst({ where: { actorEmail: email, action: 'auth.sign_in' }, orderBy: { id: 'desc' } });
    expect(change?.changes).toEqual({ role: { before: 'engineer', after: 'auditor' } });
  });

  it('refuses identities whose groups map to no role, and disabled accounts', async () => {
    const subject = randomUUID();
    const refused = await signInWithOidc(anonymous(), { subject, email: `${subject}@sso.example.test`, emailVerified: true, name: null, groups: ['everyone'] });
    expect(refused).toEqual({ ok: false, reason: 'no_role_for_groups' });
    expect(await db.user.count({ where: { oidcSubject: subject } })).toBe(0);

    const existing = await seedUser('viewer');
    await db.user.update({ where: { id: existing.id }, data: { status: 'disabled' } });
    const disabled = await signInWithOidc(anonymous(), engineerIdentity(existing.email));
    expect(disabled).toEqual({ ok: false, reason: 'account_disabled' });
  });

  it('links an admin-created account by email once, and refuses a second identity for it', async () => {
    const existing = await seedUser('viewer');
    const subject = randomUUID();
    expect(await signInWithOidc(anonymous(), engineerIdentity(existing.email, subject))).toMatchObject({
      ok: true,
      user: { id: existing.id },
    });
    const other = await signInWithOidc(anonymous(), engineerIdentity(existing.email));
    expect(other).toEqual({ ok: false, reason: 'email_linked_to_other_identity' });
  });

  it('never demotes the last active administrator through a group change', async () => {
    const admin = await seedUser('admin');
    const subject = randomUUID();
    // Linked to the identity beforehand (by hand: admin accounts are never linked automatically).
    await db.user.update({ where: { id: admin.id }, data: { oidcSubject: subject } });
    await db.user.updateMany({ where: { role: 'admin', id: { not: admin.id } }, data: { status: 'disabled' } });
    const identity = engineerIdentity(admin.email, subject);
    const kept = await signInWithOidc(anonymous(), identity);
    expect(kept).toMatchObject({ ok: true, user: { role: 'admin' } });

    await seedUser('admin');
    const demoted = await signInWithOidc(anonymous(), identity);
    expect(demoted).toMatchObject({ ok: true, user: { role: 'engineer' } });
  });

  it('links an existing account by email only when the provider verified the email', async () => {
    const existing = await seedUser('viewer');
    const subject = randomUUID();
    const unverified = await signInWithOidc(anonymous(), { ...engineerIdentity(existing.email, subject), emailVerified: false });
    expect(unverified).toEqual({ ok: false, reason: 'email_not_verified' });
    expect(await db.user.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({ oidcSubject: null, role: 'viewer' });
    expect(await db.user.count({ where: { oidcSubject: subject } })).toBe(0);
    const refused = await db.auditEvent.findFirst({ where: { actorEmail: existing.email, action: 'auth.sign_in' }, orderBy: { id: 'desc' } });
    expect(refused).toMatchObject({ outcome: 'failed', targetId: existing.id, detail: { method: 'oidc', reason: 'email_not_verified' } });

    const verified = await signInWithOidc(anonymous(), engineerIdentity(existing.email, subject));
    expect(verified).toMatchObject({ ok: true, user: { id: existing.id, role: 'engineer' } });
    const linked = await db.auditEvent.findFirst({ where: { actorEmail: existing.email, action: 'auth.sign_in' }, orderBy: { id: 'desc' } });
    expect(linked).toMatchObject({ outcome: 'success', detail: { method: 'oidc', created: false, linked: true } });
  });

  it('never links an administrator account automatically, not even the last one, whatever the groups', async () => {
    const admin = await seedUser('admin');
    await db.user.updateMany({ where: { role: 'admin', id: { not: admin.id } }, data: { status: 'disabled' } });
    // The last-admin guard used to keep this identity an administrator although its groups say engineer.
    for (const groups of [['sec-engineers'], ['everyone', 'sec-auditors']]) {
      const result = await signInWithOidc(anonymous(), { subject: randomUUID(), email: admin.email, emailVerified: true, name: null, groups });
      expect(result).toEqual({ ok: false, reason: 'admin_link_refused' });
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({ oidcSubject: null, role: 'admin', status: 'active' });
    const refused = await db.auditEvent.findMany({ where: { actorEmail: admin.email, action: 'auth.sign_in' } });
    expect(refused.map((e) => [e.outcome, (e.detail as { reason?: string }).reason])).toEqual([
      ['failed', 'admin_link_refused'],
      ['failed', 'admin_link_refused'],
    ]);
  });
});
