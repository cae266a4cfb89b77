// Access tokens against real PostgreSQL: the token text is returned once and only its hash
// is stored; tokenCaller refuses revoked, expired, wrong-scope and disabled-user tokens and
// writes when and from where a token was last used; every event of a token call names the
// token; only the owner (or an administrator) can revoke.
import { describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit/record';
import { tokenCaller, tokenHashOf } from '@/lib/auth/api-tokens';
import { callerFor } from '@/lib/auth/caller';
import { createApiToken, listAllApiTokens, listOwnApiTokens, revokeApiToken, scopesFor } from '@/lib/data/api-tokens';
import { db } from '@/lib/db';
import { ForbiddenError, InputError, NotFoundError } from '@/lib/errors';
import { MAX_LIVE_TOKENS_PER_USER } from '@/lib/validation/api-tokens';
import { callerAs, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const DAY = 24 * 60 * 60_000;

function requestWith(token: string | null, ip = '198.51.100.7') {
  const headers: Record<string, string> = { 'x-forwarded-for': ip, 'user-agent': 'leak-check-cli' };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Request('http://127.0.0.1/api/leak-check/scans', { method: 'POST', headers });
}

async function tokenFor(role: 'engineer' | 'admin' = 'engineer', days = 30) {
  const caller = await callerAs(role);
  const created = await createApiToken(caller, { name: 'ci', scopes: ['leak-check'], expiresInDays: days });
  return { caller, ...created };
}

describe('access tokens', () => {
  it('are shown once: only the SHA-256 of the token is stored, and the creation is audited without it', async () => {
    const { caller, token, tokenId, expiresAt } = await tokenFor();
    expect(token).toMatch(/^sid_[A-Za-z0-9_-]{43}$/);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: tokenId } });
    expect(Buffer.from(row.tokenHash)).toEqual(Buffer.from(tokenHashOf(token)));
    expect(row).toMatchObject({ userId: caller.user!.id, name: 'ci', scopes: ['leak-check'], revokedAt: null, lastUsedAt: null });
    expect(row.expiresAt.toISOString()).toBe(expiresAt);
    expect(Math.abs(row.expiresAt.getTime() - Date.now() - 30 * DAY)).toBeLessThan(60_000);
    // The token text is nowhere in the database: not in the row, not in any audit event.
    const [dump] = await db.$queryRaw<{ t: string }[]>`
      SELECT (SELECT string_agg(row_to_json(a)::text, '') FROM api_tokens a) || (SELECT string_agg(row_to_json(e)::text, '') FROM audit_events e) AS t`;
    expect(dump.t).not.toContain(token);
    expect(dump.t).not.toContain(token.slice(4, 20));
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: 'api_token.create', targetId: tokenId } });
    expect(event).toMatchObject({ actorId: caller.user!.id, outcome: 'success', detail: { name: 'ci', scopes: 'leak-check', expiresInDays: 30 } });
    // The list never carries a token or its hash.
    const listed = await listOwnApiTokens(caller);
    expect(listed.map((t) => t.id)).toEqual([tokenId]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(Object.keys(listed[0]).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'id',
      'kind',
      'lastUsedAt',
      'lastUsedIp',
      'name',
      'rateLimitPerMinute',
      'revokedAt',
      'scopes',
      'team',
      'user',
    ]);
  });

  it('stand for their user with the role as it is now, and write when and from where they were last used', async () => {
    const { caller, token, tokenId } = await tokenFor();
    const resolved = await tokenCaller(requestWith(token), 'leak-check');
    expect(resolved).toMatchObject({ user: { id: caller.user!.id, role: 'engineer' }, tokenId, request: { ip: '198.51.100.7', userAgent: 'leak-check-cli' } });
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: tokenId } });
    expect(row.lastUsedIp).toBe('198.51.100.7');
    expect(row.lastUsedAt).not.toBeNull();
    // A use from another address is written at once.
    await tokenCaller(requestWith(token, '203.0.113.9'), 'leak-check');
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: tokenId } })).lastUsedIp).toBe('203.0.113.9');
    // The role is read at each call.
    await db.user.update({ where: { id: caller.user!.id }, data: { role: 'viewer' } });
    expect((await tokenCaller(requestWith(token), 'leak-check'))?.user?.role).toBe('viewer');
    const listed = await listOwnApiTokens(callerFor({ ...caller.user!, role: 'viewer' }, TEST_REQUEST));
    expect(listed[0]).toMatchObject({ id: tokenId, lastUsedIp: '198.51.100.7' });
  });

  it('are refused when revoked, expired, of another scope, unknown, or their user is disabled', async () => {
    const revoked = await tokenFor();
    await revokeApiToken(revoked.caller, revoked.tokenId);
    expect(await tokenCaller(requestWith(revoked.token), 'leak-check')).toBeNull();

    const expiring = await tokenFor('engineer', 1);
    expect(await tokenCaller(requestWith(expiring.token), 'leak-check')).not.toBeNull();
    expect(await tokenCaller(requestWith(expiring.token), 'leak-check', new Date(Date.now() + 2 * DAY))).toBeNull();

    const scoped = await tokenFor();
    await db.apiToken.update({ where: { id: scoped.tokenId }, data: { scopes: ['something-else'] } });
    expect(await tokenCaller(requestWith(scoped.token), 'leak-check')).toBeNull();

    const disabled = await tokenFor();
    await db.user.update({ where: { id: disabled.caller.user!.id }, data: { status: 'disabled' } });
    expect(await tokenCaller(requestWith(disabled.token), 'leak-check')).toBeNull();

    const good = await tokenFor();
    expect(await tokenCaller(requestWith(good.token.slice(0, -1) + (good.token.endsWith('A') ? 'B' : 'A')), 'leak-check')).toBeNull();
    expect(await tokenCaller(requestWith(null), 'leak-check')).toBeNull();
    expect(await tokenCaller(requestWith(good.token), 'leak-check')).not.toBeNull();
  });

  it('name the token in every event recorded for a call made with it', async () => {
    const { token, tokenId } = await tokenFor();
    const caller = (await tokenCaller(requestWith(token), 'leak-check'))!;
    await recordAudit(db, caller, { action: 'secret.list', targetType: 'secret', detail: { count: 3 } });
    await recordAudit(db, caller, { action: 'secret.list', targetType: 'team' });
    const events = await db.auditEvent.findMany({ where: { actorId: caller.user!.id, action: 'secret.list' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.detail)).toEqual([{ count: 3, tokenId }, { tokenId }]);
    expect(events[0]).toMatchObject({ ip: '198.51.100.7', userAgent: 'leak-check-cli' });
    // A call made with a token cannot manage tokens.
    await expect(createApiToken(caller, { name: 'more', scopes: ['leak-check'], expiresInDays: 5 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(revokeApiToken(caller, tokenId)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('are revoked by their owner or an administrator, not by another user, and each is audited', async () => {
    const { caller, tokenId } = await tokenFor();
    const other = await callerAs('engineer');
    await expect(revokeApiToken(other, tokenId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: tokenId } })).revokedAt).toBeNull();
    expect(await db.auditEvent.findFirst({ where: { action: 'api_token.revoke', targetId: tokenId, outcome: 'denied' } })).toMatchObject({
      actorId: other.user!.id,
      detail: { reason: 'not_owner' },
    });
    await expect(revokeApiToken(other, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    await expect(listAllApiTokens(other)).rejects.toBeInstanceOf(ForbiddenError);

    const admin = await callerAs('admin');
    expect((await listAllApiTokens(admin)).map((t) => t.id)).toContain(tokenId);
    expect(await revokeApiToken(admin, tokenId)).toEqual({ revoked: true });
    expect(await revokeApiToken(admin, tokenId)).toEqual({ revoked: false });
    expect(await listOwnApiTokens(caller)).toEqual([]);
    expect(await db.auditEvent.findFirst({ where: { action: 'api_token.revoke', targetId: tokenId, outcome: 'success' } })).toMatchObject({
      actorId: admin.user!.id,
      detail: { owner: caller.user!.id, byAdmin: true },
    });

    const own = await tokenFor();
    expect(await revokeApiToken(own.caller, own.tokenId)).toEqual({ revoked: true });
    await expect(revokeApiToken(await callerAs(null), own.tokenId)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('check their input: scopes the role can use, 1 to 365 days, at most 20 live per user', async () => {
    const viewer = await callerAs('viewer');
    expect(scopesFor('viewer')).toEqual(['secrets:read']);
    expect(scopesFor('engineer')).toEqual(['secrets:read', 'secrets:write', 'values:write', 'rotation:run', 'leak-check']);
    expect(scopesFor('auditor')).toEqual(['secrets:read', 'audit:read']);
    await expect(createApiToken(viewer, { name: 'x', scopes: ['leak-check'], expiresInDays: 5 })).rejects.toBeInstanceOf(InputError);
    const engineer = await callerAs('engineer');
    for (const bad of [
      { name: '', scopes: ['leak-check'], expiresInDays: 5 },
      { name: 'x', scopes: [], expiresInDays: 5 },
      { name: 'x', scopes: ['admin'], expiresInDays: 5 },
      { name: 'x', scopes: ['leak-check'], expiresInDays: 0 },
      { name: 'x', scopes: ['leak-check'], expiresInDays: 366 },
      { name: 'x', scopes: ['leak-check'], expiresInDays: 1.5 },
    ]) {
      await expect(createApiToken(engineer, bad)).rejects.toBeInstanceOf(InputError);
    }
    // A form's single checkbox arrives as a string; the number as text.
    expect((await createApiToken(engineer, { name: ' form ', scopes: 'leak-check', expiresInDays: '365' })).token).toMatch(/^sid_/);
    for (let i = 1; i < MAX_LIVE_TOKENS_PER_USER; i += 1) await createApiToken(engineer, { name: `t${i}`, scopes: ['leak-check'], expiresInDays: 1 });
    await expect(createApiToken(engineer, { name: 'one too many', scopes: ['leak-check'], expiresInDays: 1 })).rejects.toThrow(/20 live tokens/);
    // A revoked one frees a place.
    const [first] = await listOwnApiTokens(engineer);
    await revokeApiToken(engineer, first.id);
    await expect(createApiToken(engineer, { name: 'replacement', scopes: ['leak-check'], expiresInDays: 1 })).resolves.toMatchObject({
      token: expect.any(String),
    });
    expect(await db.apiToken.count({ where: { userId: engineer.user!.id, revokedAt: null } })).toBe(MAX_LIVE_TOKENS_PER_USER);
  });
});
