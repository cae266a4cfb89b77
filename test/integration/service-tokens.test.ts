// Service tokens and the REST API's rate limits against real PostgreSQL: a team's service
// token acts as its service account with the team's scope and the chosen role, narrowed by
// scopes; it cannot touch another team's secret, and its account cannot sign in or be
// handled as a person; revoked and expired tokens are refused; the per-token limit is
// shared by separate limiter instances and answers 429 with a retry time; calls without a
// live token are audited as signed-out denials and limited per address.
import { describe, expect, it } from 'vitest';
import { apiRateLimiter, FAILURES_PER_ADDRESS } from '@/lib/auth/api-rate-limit';
import { authenticateApiRequest } from '@/lib/auth/api-tokens';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { liveSession } from '@/lib/auth/sessions';
import { signInWithPassword } from '@/lib/auth/local-sign-in';
import { callerCan } from '@/lib/auth/token-scopes';
import { createApiToken, listAllApiTokens, revokeApiToken } from '@/lib/data/api-tokens';
import { createSecret, decommissionSecret } from '@/lib/data/secrets';
import { createServiceToken, listTeamServiceTokens } from '@/lib/data/service-tokens';
import { addTeamMember, listTeamMembers } from '@/lib/data/team-members';
import { changeRole, listUsers } from '@/lib/data/users';
import { db } from '@/lib/db';
import { ForbiddenError, InputError, NotFoundError } from '@/lib/errors';
import { callerAs, secretInput, seedTeam, TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const DAY = 24 * 60 * 60_000;
let addressCount = 0;

/** A request from its own address (so the per-address counters of one test do not meet another's). */
function apiRequest(token: string | null, ip = `198.51.${Math.floor(++addressCount / 256)}.${addressCount % 256}`) {
  const headers: Record<string, string> = { 'x-forwarded-for': ip, 'user-agent': 'ci-job' };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Request('http://127.0.0.1/api/v1/secrets', { headers });
}

async function authenticated(token: string, ip?: string): Promise<Caller> {
  const result = await authenticateApiRequest(apiRequest(token, ip));
  if (!('caller' in result)) throw new Error(`refused: ${result.refusal.code}`);
  return result.caller;
}

async function serviceToken(input: Record<string, unknown> = {}) {
  const admin = await callerAs('admin');
  const team = await seedTeam();
  const created = await createServiceToken(admin, team.id, {
    name: 'ci import',
    role: 'engineer',
    scopes: ['secrets:read', 'secrets:write'],
    expiresInDays: 30,
    ...input,
  });
  return { admin, team, ...created };
}

describe('service tokens', () => {
  it('act as a service account of the owning team: its secrets yes, another team’s no; every event names the token', async () => {
    const { admin, team, token, tokenId } = await serviceToken();
    const caller = await authenticated(token);
    expect(caller).toMatchObject({ tokenId, tokenScopes: ['secrets:read', 'secrets:write'], user: { role: 'engineer', name: 'ci import' } });
    const [account] = await db.$queryRaw<{ kind: string; signs_in: boolean }[]>`
      SELECT kind::text, (password_hash IS NOT NULL OR oidc_subject IS NOT NULL OR invite_code_hash IS NOT NULL) AS signs_in
      FROM users WHERE id = ${caller.user!.id}::uuid`;
    expect(account).toEqual({ kind: 'service', signs_in: false });

    const own = await createSecret(caller, await secretInput({ ownerTeamId: team.id }));
    await decommissionSecret(caller, own.id, { reason: 'retired by CI' });
    const events = await db.auditEvent.findMany({ where: { targetId: own.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.action, e.actorId, (e.detail as { tokenId?: string }).tokenId])).toEqual([
      ['secret.create', caller.user!.id, tokenId],
      ['secret.decommission', caller.user!.id, tokenId],
    ]);

    const other = await createSecret(admin, await secretInput());
    await expect(decommissionSecret(caller, other.id, { reason: 'not ours' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await db.auditEvent.findFirst({ where: { targetId: other.id, action: 'secret.decommission' } })).toMatchObject({
      outcome: 'denied',
      detail: { reason: 'not_team_member', tokenId },
    });
  });

  it('are narrowed by their scopes, in authorize() and in callerCan()', async () => {
    const { token } = await serviceToken({ role: 'auditor', scopes: ['secrets:read'] });
    const caller = await authenticated(token);
    expect(caller.user!.role).toBe('auditor');
    expect(callerCan(caller, 'secrets.read')).toBe(true);
    // The role has audit.read; the token has no scope for it.
    expect(callerCan(caller, 'audit.read')).toBe(false);
    expect(callerCan({ user: caller.user }, 'audit.read')).toBe(true);
    await expect(authorize(caller, 'audit.read', { action: 'audit.list' })).rejects.toThrow(/none of its scopes/);
  });

  it('have an account that cannot sign in, is not listed or handled as a person, and cannot become one', async () => {
    const { admin, team, token } = await serviceToken();
    const caller = await authenticated(token);
    const account = await db.user.findUniqueOrThrow({ where: { id: caller.user!.id } });

    expect(await signInWithPassword(await callerAs(null), { email: account.email, password: 'anything at all 123' })).toMatchObject({ ok: false });
    const session = await db.userSession.create({ data: { userId: account.id, expiresAt: new Date(Date.now() + DAY) } });
    expect(await liveSession(session.id, account.id)).toBeNull();
    // The database refuses a password, an SSO link, an invitation or the administrator role.
    for (const data of [{ passwordHash: '$argon2id$v=19$m=1,t=1,p=1$x$y' }, { oidcSubject: 'sub-1' }, { inviteCodeHash: 'ab' }, { role: 'admin' as const }]) {
      await expect(db.user.update({ where: { id: account.id }, data })).rejects.toThrow(/service account/);
    }

    expect((await listUsers(admin, {})).items.map((u) => u.email)).not.toContain(account.email);
    expect((await listTeamMembers(admin, team.id)).map((m) => m.userId)).not.toContain(account.id);
    await expect(changeRole(admin, account.id, 'viewer')).rejects.toBeInstanceOf(NotFoundError);
    await expect(addTeamMember(admin, (await seedTeam()).id, { email: account.email })).rejects.toBeInstanceOf(InputError);
  });

  it('are created and revoked by administrators only, audited, listed with their team; revoked and expired ones are refused', async () => {
    const { admin, team, token, tokenId } = await serviceToken({ expiresInDays: 1, rateLimitPerMinute: 50 });
    const created = await db.auditEvent.findFirstOrThrow({ where: { action: 'api_token.create', targetId: tokenId } });
    expect(created).toMatchObject({ actorId: admin.user!.id, detail: { kind: 'service', team: team.name, role: 'engineer', rateLimitPerMinute: 50 } });
    expect(JSON.stringify(created.detail)).not.toContain(token.slice(4, 20));

    const listed = await listTeamServiceTokens(admin, team.id);
    expect(listed).toMatchObject([{ id: tokenId, kind: 'service', team: { id: team.id }, user: { role: 'engineer' }, rateLimitPerMinute: 50 }]);
    expect((await listAllApiTokens(admin)).find((t) => t.id === tokenId)?.team?.name).toBe(team.name);

    const engineer = await callerAs('engineer');
    await expect(createServiceToken(engineer, team.id, { name: 'x', role: 'viewer', scopes: ['secrets:read'], expiresInDays: 1 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(listTeamServiceTokens(engineer, team.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(revokeApiToken(engineer, tokenId)).rejects.toBeInstanceOf(NotFoundError);
    // Never administrator; scopes the role can use; a token call cannot make tokens.
    for (const bad of [{ role: 'admin' }, { role: 'viewer', scopes: ['secrets:write'] }]) {
      await expect(createServiceToken(admin, team.id, { name: 'x', scopes: ['secrets:read'], expiresInDays: 1, ...bad })).rejects.toBeInstanceOf(InputError);
    }
    const caller = await authenticated(token);
    await expect(createApiToken(caller, { name: 'x', scopes: ['secrets:read'], expiresInDays: 1 })).rejects.toBeInstanceOf(ForbiddenError);

    // Expired: refused at a later time.
    const later = await authenticateApiRequest(apiRequest(token), new Date(Date.now() + 2 * DAY));
    expect(later).toMatchObject({ refusal: { status: 401, code: 'unauthenticated' } });

    expect(await revokeApiToken(admin, tokenId)).toEqual({ revoked: true });
    expect(await authenticateApiRequest(apiRequest(token))).toMatchObject({ refusal: { status: 401 } });
    expect(await db.user.findUniqueOrThrow({ where: { id: caller.user!.id } })).toMatchObject({ status: 'disabled' });
    expect(await listTeamServiceTokens(admin, team.id)).toEqual([]);
    expect(await db.auditEvent.findFirst({ where: { action: 'api_token.revoke', targetId: tokenId, outcome: 'success' } })).toMatchObject({
      actorId: admin.user!.id,
      detail: { kind: 'service', team: team.name },
    });
  });
});

describe('API rate limits', () => {
  it('count every call of a token across limiter instances, then answer 429 with a retry time', async () => {
    const { tokenId } = await serviceToken({ rateLimitPerMinute: 3 });
    const [one, two] = [apiRateLimiter(), apiRateLimiter()];
    expect(await one.takeCall(tokenId, 3)).toEqual({ allowed: true });
    expect(await two.takeCall(tokenId, 3)).toEqual({ allowed: true });
    expect(await one.takeCall(tokenId, 3)).toEqual({ allowed: true });
    const refused = await two.takeCall(tokenId, 3);
    expect(refused).toMatchObject({ allowed: false });
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('use the token’s own limit in authenticateApiRequest', async () => {
    const { token } = await serviceToken({ rateLimitPerMinute: 2 });
    await authenticated(token);
    await authenticated(token);
    const result = await authenticateApiRequest(apiRequest(token));
    expect(result).toMatchObject({ refusal: { status: 429, code: 'rate_limited', retryAfterSeconds: expect.any(Number) } });
  });

  it('audit calls without a live token as signed-out denials, and stop an address that keeps sending them', async () => {
    const ip = '203.0.113.77';
    const before = await db.auditEvent.count({ where: { action: 'api_token.authenticate' } });
    const first = await authenticateApiRequest(apiRequest('sid_not-a-real-token-at-all', ip));
    expect(first).toMatchObject({ refusal: { status: 401, code: 'unauthenticated' } });
    expect(await db.auditEvent.findFirst({ where: { action: 'api_token.authenticate', ip }, orderBy: { seq: 'desc' } })).toMatchObject({
      outcome: 'denied',
      actorId: null,
      detail: { reason: 'invalid_token' },
    });
    for (let i = 1; i < FAILURES_PER_ADDRESS; i += 1) await authenticateApiRequest(apiRequest(null, ip));
    // The rest of the minute's denials from this address are counted, not recorded one by one.
    expect(await db.auditEvent.count({ where: { action: 'api_token.authenticate' } })).toBe(before + 1);

    // Even a live token is not looked at from a blocked address; other addresses are unaffected.
    const { token } = await serviceToken();
    const blocked = await authenticateApiRequest(apiRequest(token, ip));
    expect(blocked).toMatchObject({ refusal: { status: 429, code: 'rate_limited' } });
    expect(blocked).toHaveProperty('refusal.retryAfterSeconds');
    await authenticated(token);
    expect(TEST_REQUEST.ip).not.toBe(ip);
  });
});
