import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '@/generated/prisma/enums';
import type { Caller } from '@/lib/auth/caller';
import { signInWithPassword } from '@/lib/auth/local-sign-in';
import { verifyPassword } from '@/lib/auth/password';
import { acceptInvite, INVALID_INVITE_MESSAGE, INVITE_THROTTLED_MESSAGE } from '@/lib/data/invitations';
import { changeRole, createUser, listUsers, resetInvite, setUserStatus, sha256Hex } from '@/lib/data/users';
import { db } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import { parseUserListQuery } from '@/lib/validation/user-list';
import { callerAs, seedUser, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { errorOf } from '../support/errors';

useTestDatabase();

const PASSWORD = 'correct horse battery staple';
let counter = 0;
const newEmail = (label = 'person') => `${label}-${Date.now().toString(36)}-${++counter}@example.test`;
/** A signed-out visitor from an address of its own, so throttling in one test does not leak into another. */
const visitor = (): Caller => ({ user: null, request: { ...TEST_REQUEST, ip: `10.0.${counter % 250}.${++counter % 250}` } });

async function userRow(id: string) {
  return db.user.findUniqueOrThrow({
    where: { id },
    select: { email: true, name: true, role: true, status: true, passwordHash: true, inviteCodeHash: true, inviteExpires: true },
  });
}

/** Every audit event as JSON text, to search for things that must never be recorded. */
async function allAuditJson(): Promise<string> {
  const rows = await db.$queryRaw<{ j: string }[]>`SELECT row_to_json(e)::text AS j FROM audit_events e`;
  return rows.map((r) => r.j).join('\n');
}

async function lastEvent(where: { action: string; targetId?: string }) {
  return db.auditEvent.findFirstOrThrow({ where, orderBy: { id: 'desc' } });
}

/** Leaves exactly these admins active (other tests in this file create admins too). */
async function onlyActiveAdmins(...ids: string[]) {
  await db.user.updateMany({ where: { role: 'admin', id: { notIn: ids } }, data: { status: 'disabled' } });
}

// Everything written to stdout/stderr while a test runs, to prove codes never reach logs.
let output: string[] = [];
beforeEach(() => {
  output = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
});
afterEach(() => vi.restoreAllMocks());

describe('inviting a user', () => {
  it('creates a password account with a one-time code, stores only its hash, and audits the creation', async () => {
    const admin = await callerAs('admin');
    const email = newEmail();
    const before = Date.now();
    const issued = await createUser(admin, { email: `  ${email.toUpperCase()} `, name: 'Ada Lovelace', role: 'engineer', signIn: 'password' });

    expect(issued.email).toBe(email);
    expect(issued.inviteCode).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes, base64url
    const row = await userRow(issued.id);
    expect(row).toMatchObject({ email, name: 'Ada Lovelace', role: 'engineer', status: 'active', passwordHash: null });
    expect(row.inviteCodeHash).toBe(sha256Hex(issued.inviteCode!));
    const expiresIn = row.inviteExpires!.getTime() - before;
    expect(expiresIn).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(expiresIn).toBeLessThan(7 * 86_400_000 + 60_000);

    const event = await lastEvent({ action: 'user.create', targetId: issued.id });
    expect(event).toMatchObject({ outcome: 'success', actorId: admin.user!.id, targetType: 'user' });
    expect(event.changes).toMatchObject({
      email: { before: null, after: email },
      role: { before: null, after: 'engineer' },
      signIn: { before: null, after: 'password' },
    });
    expect(await allAuditJson()).not.toContain(issued.inviteCode);
    expect(await allAuditJson()).not.toContain(row.inviteCodeHash);
  });

  it('creates an SSO account without any invite code', async () => {
    const admin = await callerAs('admin');
    const issued = await createUser(admin, { email: newEmail('sso'), name: 'Grace Hopper', role: 'viewer', signIn: 'sso' });
    expect(issued.inviteCode).toBeNull();
    expect(await userRow(issued.id)).toMatchObject({ inviteCodeHash: null, inviteExpires: null, passwordHash: null });
    const [listed] = (await listUsers(admin, parseUserListQuery({ q: issued.email }))).items;
    expect(listed).toMatchObject({ hasPassword: false, invite: 'none', ssoLinked: false });
  });

  it('refuses a duplicate email, whatever its case, with a field error and writes nothing', async () => {
    const admin = await callerAs('admin');
    const email = newEmail('dup');
    await createUser(admin, { email, name: 'First', role: 'viewer', signIn: 'sso' });
    const users = await db.user.count();
    const events = await db.auditEvent.count({ where: { action: 'user.create' } });
    const error = await errorOf(createUser(admin, { email: email.toUpperCase(), name: 'Second', role: 'viewer', signIn: 'password' }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).fieldErrors.email?.[0]).toMatch(/already exists/);
    expect(await db.user.count()).toBe(users);
    expect(await db.auditEvent.count({ where: { action: 'user.create' } })).toBe(events);
  });

  it('gives a message per field for bad input', async () => {
    const admin = await callerAs('admin');
    const error = (await errorOf(createUser(admin, { email: 'not-an-email', name: ' ', role: 'root', signIn: 'carrier-pigeon' }))) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(Object.keys(error.fieldErrors).sort()).toEqual(['email', 'name', 'role', 'signIn']);
  });
});

describe('accepting an invite', () => {
  async function invited(role: Role = 'engineer') {
    const admin = await callerAs('admin');
    const issued = await createUser(admin, { email: newEmail('invitee'), name: 'Invitee', role, signIn: 'password' });
    return { admin, email: issued.email, code: issued.inviteCode!, id: issued.id };
  }

  it('sets an argon2id password that then verifies and signs in, and makes the code single-use', async () => {
    const { email, code, id } = await invited();
    const caller = visitor();
    await acceptInvite(caller, { email, code, password: PASSWORD, confirmPassword: PASSWORD });

    const row = await userRow(id);
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(row.passwordHash, PASSWORD)).toBe(true);
    expect(row).toMatchObject({ inviteCodeHash: null, inviteExpires: null });
    expect((await signInWithPassword(visitor(), { email, password: PASSWORD })).ok).toBe(true);

    const event = await lastEvent({ action: 'user.invite_accept', targetId: id });
    expect(event).toMatchObject({ outcome: 'success', actorId: id, actorEmail: email, ip: caller.request.ip });

    const again = await errorOf(acceptInvite(visitor(), { email, code, password: 'another password 123' }));
    expect(again).toBeInstanceOf(InputError);
    expect((again as Error).message).toBe(INVALID_INVITE_MESSAGE);
    expect(await verifyPassword((await userRow(id)).passwordHash, PASSWORD)).toBe(true);
  });

  it('rejects a wrong, expired or unknown code and a disabled account with one generic message, recording why for auditors', async () => {
    const wrong = await invited();
    const expired = await invited();
    await db.user.update({ where: { id: expired.id }, data: { inviteExpires: new Date(Date.now() - 1000) } });
    const disabled = await invited();
    await db.user.update({ where: { id: disabled.id }, data: { status: 'disabled' } });

    const attempts = [
      { input: { email: wrong.email, code: `${wrong.code.slice(0, -1)}x` }, reason: 'wrong_code', id: wrong.id },
      { input: { email: expired.email, code: expired.code }, reason: 'expired', id: expired.id },
      { input: { email: newEmail('nobody'), code: wrong.code }, reason: 'unknown_account', id: null },
      { input: { email: disabled.email, code: disabled.code }, reason: 'account_disabled', id: disabled.id },
    ];
    for (const { input, reason, id } of attempts) {
      const error = await errorOf(acceptInvite(visitor(), { ...input, password: PASSWORD }));
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toBe(INVALID_INVITE_MESSAGE);
      expect((error as InputError).fieldErrors).toEqual({});
      const event = await db.auditEvent.findFirstOrThrow({
        where: { action: 'user.invite_accept', actorEmail: input.email },
        orderBy: { id: 'desc' },
      });
      expect(event).toMatchObject({ outcome: 'failed', actorId: id, detail: { reason } });
    }
    for (const { id } of [wrong, expired, disabled]) expect((await userRow(id)).passwordHash).toBeNull();
  });

  it('validates the password (at least 12 characters, both entries equal) without using up the code', async () => {
    const { email, code, id } = await invited();
    const short = (await errorOf(acceptInvite(visitor(), { email, code, password: 'short' }))) as InputError;
    expect(short.fieldErrors.password?.[0]).toMatch(/12 characters/);
    const mismatch = (await errorOf(acceptInvite(visitor(), { email, code, password: PASSWORD, confirmPassword: `${PASSWORD}!` }))) as InputError;
    expect(mismatch.fieldErrors.confirmPassword?.[0]).toMatch(/do not match/);
    expect((await userRow(id)).inviteCodeHash).toBe(sha256Hex(code));
    await acceptInvite(visitor(), { email, code, password: PASSWORD });
  });

  it('throttles repeated failures for one email from one address, even once the right code is given', async () => {
    const { email, code, id } = await invited();
    const caller = visitor();
    for (let i = 0; i < 5; i++) {
      expect(((await errorOf(acceptInvite(caller, { email, code: `wrong-${i}`, password: PASSWORD }))) as Error).message).toBe(INVALID_INVITE_MESSAGE);
    }
    const throttled = await errorOf(acceptInvite(caller, { email, code, password: PASSWORD }));
    expect((throttled as Error).message).toBe(INVITE_THROTTLED_MESSAGE);
    expect((await userRow(id)).passwordHash).toBeNull();
    expect(await lastEvent({ action: 'user.invite_accept' })).toMatchObject({ outcome: 'failed', detail: { reason: 'rate_limited' } });
    // Another address is not affected.
    await acceptInvite(visitor(), { email, code, password: PASSWORD });
  });

  it('resetInvite issues a new code, makes the old one invalid and audits without the code', async () => {
    const { admin, email, code, id } = await invited();
    const reset = await resetInvite(admin, id);
    expect(reset.inviteCode).not.toBe(code);
    expect(((await errorOf(acceptInvite(visitor(), { email, code, password: PASSWORD }))) as Error).message).toBe(INVALID_INVITE_MESSAGE);
    await acceptInvite(visitor(), { email, code: reset.inviteCode, password: PASSWORD });
    const event = await lastEvent({ action: 'user.invite_reset', targetId: id });
    expect(event).toMatchObject({ outcome: 'success', actorId: admin.user!.id, detail: { replacedEarlierCode: true } });
    const json = await allAuditJson();
    expect(json).not.toContain(code);
    expect(json).not.toContain(reset.inviteCode!);
  });

  it('never puts an invite code or password in an audit event, a log line or a listed DTO', async () => {
    const admin = await callerAs('admin');
    const issued = await createUser(admin, { email: newEmail('canary'), name: 'Canary', role: 'auditor', signIn: 'password' });
    const secretPassword = `canary-password-${Date.now()}`;
    await errorOf(acceptInvite(visitor(), { email: issued.email, code: `${issued.inviteCode}-typo`, password: secretPassword }));
    const reset = await resetInvite(admin, issued.id);
    await acceptInvite(visitor(), { email: issued.email, code: reset.inviteCode, password: secretPassword });
    await errorOf(acceptInvite(visitor(), { email: issued.email, code: reset.inviteCode, password: secretPassword }));

    const listed = JSON.stringify(await listUsers(admin, parseUserListQuery({})));
    const haystacks = { audit: await allAuditJson(), logs: output.join(''), dto: listed };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const needle of [issued.inviteCode!, reset.inviteCode!, secretPassword, sha256Hex(reset.inviteCode!)]) {
        expect(text.includes(needle), `${where} contains a secret`).toBe(false);
      }
    }
    expect(listed).toContain(issued.email); // the search above looked at real output
  });
});

describe('roles and status', () => {
  it('audits a role change with before and after, and does nothing when the role is unchanged', async () => {
    const admin = await callerAs('admin');
    const target = await seedUser('viewer');
    expect(await changeRole(admin, target.id, 'auditor')).toEqual({ id: target.id, changed: true });
    expect((await userRow(target.id)).role).toBe('auditor');
    const event = await lastEvent({ action: 'user.role_change', targetId: target.id });
    expect(event).toMatchObject({ outcome: 'success', actorId: admin.user!.id, changes: { role: { before: 'viewer', after: 'auditor' } } });

    const events = await db.auditEvent.count({ where: { targetId: target.id } });
    expect(await changeRole(admin, target.id, 'auditor')).toEqual({ id: target.id, changed: false });
    expect(await db.auditEvent.count({ where: { targetId: target.id } })).toBe(events);
    expect(((await errorOf(changeRole(admin, target.id, 'superuser'))) as InputError).fieldErrors.role).toBeDefined();
  });

  it('disables and enables an account, auditing each', async () => {
    const admin = await callerAs('admin');
    const target = await seedUser('engineer');
    await setUserStatus(admin, target.id, 'disabled');
    expect((await userRow(target.id)).status).toBe('disabled');
    expect(await lastEvent({ action: 'user.disable', targetId: target.id })).toMatchObject({
      changes: { status: { before: 'active', after: 'disabled' } },
    });
    await setUserStatus(admin, target.id, 'active');
    expect((await userRow(target.id)).status).toBe('active');
    expect(await lastEvent({ action: 'user.enable', targetId: target.id })).toMatchObject({
      changes: { status: { before: 'disabled', after: 'active' } },
    });
  });

  it('answers a malformed or unknown user id with NotFound, not a database error', async () => {
    const admin = await callerAs('admin');
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect(await errorOf(changeRole(admin, id, 'viewer'))).toMatchObject({ name: 'NotFoundError' });
      expect(await errorOf(setUserStatus(admin, id, 'disabled'))).toMatchObject({ name: 'NotFoundError' });
      expect(await errorOf(resetInvite(admin, id))).toMatchObject({ name: 'NotFoundError' });
    }
  });

  it('never lets an admin demote or disable themselves', async () => {
    const admin = await callerAs('admin');
    await seedUser('admin'); // another admin exists, so only the self rule applies
    const demote = await errorOf(changeRole(admin, admin.user!.id, 'viewer'));
    expect((demote as InputError).message).toMatch(/your own administrator role/);
    const disable = await errorOf(setUserStatus(admin, admin.user!.id, 'disabled'));
    expect((disable as InputError).message).toMatch(/your own account/);
    expect(await userRow(admin.user!.id)).toMatchObject({ role: 'admin', status: 'active' });
  });

  it('never demotes or disables the last active administrator, even when two admins act at once', async () => {
    const a = await callerAs('admin');
    const b = await callerAs('admin');
    await onlyActiveAdmins(a.user!.id, b.user!.id);

    // Each demotes the other at the same moment: the advisory lock lets one win.
    const results = await Promise.allSettled([changeRole(a, b.user!.id, 'engineer'), changeRole(b, a.user!.id, 'engineer')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(InputError);
    expect(refused.reason.message).toMatch(/last active administrator/);
    expect(await db.user.count({ where: { role: 'admin', status: 'active' } })).toBe(1);

    // The one left cannot be disabled either, by a stale session of the other.
    const [survivor, loser] = results[0].status === 'fulfilled' ? [a, b] : [b, a];
    const disable = await errorOf(setUserStatus(loser, survivor.user!.id, 'disabled'));
    expect((disable as InputError).message).toMatch(/last active administrator/);
    expect(await userRow(survivor.user!.id)).toMatchObject({ role: 'admin', status: 'active' });

    // Concurrent disables are serialized the same way.
    const c = await callerAs('admin');
    await onlyActiveAdmins(survivor.user!.id, c.user!.id);
    const disables = await Promise.allSettled([setUserStatus(survivor, c.user!.id, 'disabled'), setUserStatus(c, survivor.user!.id, 'disabled')]);
    expect(disables.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await db.user.count({ where: { role: 'admin', status: 'active' } })).toBe(1);
  });

  it('refuses to issue an invite code for a disabled account', async () => {
    const admin = await callerAs('admin');
    const target = await seedUser('viewer');
    await db.user.update({ where: { id: target.id }, data: { status: 'disabled' } });
    expect(await errorOf(resetInvite(admin, target.id))).toBeInstanceOf(InputError);
    expect((await userRow(target.id)).inviteCodeHash).toBeNull();
  });
});

describe('listing users', () => {
  it('filters by text, role and status and pages by (email, id) through every row once', async () => {
    const admin = await callerAs('admin');
    const tag = `zeta${Date.now().toString(36)}`;
    await db.user.createMany({
      data: Array.from({ length: 57 }, (_, i) => ({
        email: `${tag}-${String(i).padStart(2, '0')}@example.test`,
        name: `Person ${i}`,
        role: (['viewer', 'engineer', 'auditor'] as const)[i % 3],
        status: i % 10 === 0 ? ('disabled' as const) : ('active' as const),
      })),
    });
    const first = await listUsers(admin, parseUserListQuery({ q: tag.toUpperCase() }));
    expect(first.total).toBe(57);
    expect(first.items).toHaveLength(50);
    const second = await listUsers(admin, parseUserListQuery({ q: tag, after: first.nextCursor! }));
    expect(second.items).toHaveLength(7);
    expect(second.nextCursor).toBeNull();
    const emails = [...first.items, ...second.items].map((u) => u.email);
    expect(new Set(emails).size).toBe(57);
    expect(emails).toEqual([...emails].sort());

    const auditors = await listUsers(admin, parseUserListQuery({ q: tag, role: 'auditor' }));
    expect(auditors.total).toBe(19);
    expect(auditors.items.every((u) => u.role === 'auditor')).toBe(true);
    const disabled = await listUsers(admin, parseUserListQuery({ q: tag, status: 'disabled' }));
    expect(disabled.items.map((u) => u.email)).toEqual([0, 10, 20, 30, 40, 50].map((i) => `${tag}-${String(i).padStart(2, '0')}@example.test`));
    // Unknown values and a cursor that does not decode fall back to defaults.
    const loose = await listUsers(admin, parseUserListQuery({ q: tag, role: 'root', after: 'garbage' }));
    expect(loose.total).toBe(57);
    expect(await listUsers(admin, parseUserListQuery({ q: '100%_' }))).toMatchObject({ total: 0 });
  });

  it('shows each sign-in method: password, SSO, invite pending, invite expired', async () => {
    const admin = await callerAs('admin');
    const tag = `method${Date.now().toString(36)}`;
    await seedUser('viewer', { email: `${tag}-a-password@example.test`, passwordHash: 'x' });
    await createUser(admin, { email: `${tag}-b-sso@example.test`, name: 'S', role: 'viewer', signIn: 'sso' });
    await createUser(admin, { email: `${tag}-c-pending@example.test`, name: 'P', role: 'viewer', signIn: 'password' });
    const expired = await createUser(admin, { email: `${tag}-d-expired@example.test`, name: 'E', role: 'viewer', signIn: 'password' });
    await db.user.update({ where: { id: expired.id }, data: { inviteExpires: new Date(Date.now() - 1000) } });
    const { items } = await listUsers(admin, parseUserListQuery({ q: tag }));
    expect(items.map((u) => [u.hasPassword, u.invite])).toEqual([
      [true, 'none'],
      [false, 'none'],
      [false, 'pending'],
      [false, 'expired'],
    ]);
  });
});

describe('authorization', () => {
  it.each(['engineer', 'viewer', 'auditor', null] as const)('denies %s every user-admin function, audits the denial and changes nothing', async (role) => {
    const caller = await callerAs(role);
    const target = await seedUser('viewer');
    const before = await userRow(target.id);
    const users = await db.user.count();
    const attempts: [string, (c: Caller) => Promise<unknown>][] = [
      ['user.list', (c) => listUsers(c, parseUserListQuery({}))],
      ['user.create', (c) => createUser(c, { email: newEmail('x'), name: 'X', role: 'admin', signIn: 'password' })],
      ['user.role_change', (c) => changeRole(c, target.id, 'admin')],
      ['user.disable', (c) => setUserStatus(c, target.id, 'disabled')],
      ['user.invite_reset', (c) => resetInvite(c, target.id)],
    ];
    for (const [action, attempt] of attempts) {
      // Signed out: a fresh address each time, as one address's later denials in a minute are only counted.
      await expect(attempt(role ? caller : await callerAs(null))).rejects.toBeInstanceOf(ForbiddenError);
      const denial = await lastEvent({ action });
      expect(denial).toMatchObject({ outcome: 'denied', actorId: caller.user?.id ?? null });
      expect(denial.detail).toMatchObject({ permission: 'admin.users' });
    }
    expect(await userRow(target.id)).toEqual(before);
    expect(await db.user.count()).toBe(users);
  });
});
