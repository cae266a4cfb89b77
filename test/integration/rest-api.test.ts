// The REST API doing real work with access tokens, on real PostgreSQL through the route
// files: 1,000 secrets imported with a team's service token through POST /secrets and read
// back through keyset pages; a token over its rate limit gets 429 with Retry-After;
// no answer, stored idempotent answer or audit event ever holds a value; scopes, roles and
// team scope refuse as the pages do; Idempotency-Key replays, refuses a different request
// under the same key, and lets only one of two concurrent requests run; a session cookie
// never authenticates an API call.
import { describe, expect, it } from 'vitest';
import { purgeIdempotencyKeys } from '@/lib/api/idempotency';
import { createApiToken } from '@/lib/data/api-tokens';
import { createServiceToken } from '@/lib/data/service-tokens';
import { db } from '@/lib/db';
import type { ApiScope } from '@/lib/validation/api-tokens';
import { callApi } from '../support/api-client';
import { callerAs, environmentId, joinOwningTeam, seedConnectedSecret, seedConnection, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

async function tokenFor(role: 'engineer' | 'viewer' | 'admin', scopes: ApiScope[]) {
  const caller = await callerAs(role);
  const { token, tokenId } = await createApiToken(caller, { name: 'ci', scopes, expiresInDays: 1 });
  return { caller, token, tokenId };
}

const WRITE: ApiScope[] = ['secrets:read', 'secrets:write', 'values:write', 'rotation:run'];

async function secretBody(ownerTeamId: string, name: string) {
  return { name, environmentId: await environmentId('development'), ownerTeamId, classification: 'sensitive', autoRotate: false, tags: ['imported'] };
}

describe('importing through the API', () => {
  it(
    "creates 1,000 secrets with a team's service token through POST /secrets and reads the same 1,000 back through keyset pages",
    { timeout: 300_000 },
    async () => {
      // The CI job's token: the team's own, acting as an engineer of that team, with a rate limit sized for the import.
      const team = await seedTeam();
      const { token } = await createServiceToken(await callerAs('admin'), team.id, {
        name: 'inventory import',
        role: 'engineer',
        scopes: ['secrets:read', 'secrets:write'],
        expiresInDays: 1,
        rateLimitPerMinute: 5000,
      });
      const names = Array.from({ length: 1000 }, (_, i) => `imported-${String(i).padStart(4, '0')}-${team.id.slice(0, 8)}`);
      const environment = await environmentId('development');
      for (let i = 0; i < names.length; i += 10) {
        const answers = await Promise.all(
          names.slice(i, i + 10).map((name) =>
            callApi({
              method: 'POST',
              path: '/secrets',
              token,
              body: { name, environmentId: environment, ownerTeamId: team.id, classification: 'sensitive', autoRotate: false },
            }),
          ),
        );
        for (const answer of answers) expect(answer.status, answer.text).toBe(201);
      }

      const read: { id: string; name: string; ownerTeam: { id: string } }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/secrets?owner=${team.id}&size=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await callApi({ method: 'GET', path: query, token });
        expect(page.status).toBe(200);
        const body = page.json as { items: typeof read; next: string | null; total: number };
        expect(body.total).toBe(1000);
        read.push(...body.items);
        cursor = body.next;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(10);
      expect(read.map((s) => s.name)).toEqual(names);
      expect(new Set(read.map((s) => s.id)).size).toBe(1000);
      expect(read.every((s) => s.ownerTeam.id === team.id)).toBe(true);
      // Each creation is audited as the UI's is, naming the token.
      expect(await db.auditEvent.count({ where: { action: 'secret.create', targetId: { in: read.map((s) => s.id) }, outcome: 'success' } })).toBe(1000);
    },
  );
});

describe('values', () => {
  it('a token can write a value but never read one: no answer, stored answer or audit event holds it', async () => {
    const { caller, token } = await tokenFor('engineer', WRITE);
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(caller, secret.id);
    const value = `never-returned-${Date.now()}-Zq`;
    const written = await callApi({
      method: 'POST',
      path: `/secrets/${secret.id}/value`,
      token,
      body: { mode: 'enter', value },
      headers: { 'idempotency-key': 'value-1' },
    });
    expect(written.status).toBe(201);
    const answers = await Promise.all(
      [`/secrets/${secret.id}`, `/secrets/${secret.id}/rotation`, '/secrets?status=any&size=100', '/rotations?tab=never'].map((path) =>
        callApi({ method: 'GET', path, token }),
      ),
    );
    const replay = await callApi({
      method: 'POST',
      path: `/secrets/${secret.id}/value`,
      token,
      body: { mode: 'enter', value },
      headers: { 'idempotency-key': 'value-1' },
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(written.json);
    for (const answer of [written, replay, ...answers]) expect(answer.text).not.toContain(value);
    const [dump] = await db.$queryRaw<{ t: string }[]>`
      SELECT (SELECT string_agg(row_to_json(k)::text, '') FROM idempotency_keys k) || (SELECT string_agg(row_to_json(e)::text, '') FROM audit_events e) AS t`;
    expect(dump.t).not.toContain(value);
    expect(dump.t).not.toContain(Buffer.from(value).toString('hex'));
    // One version: the replay did not write again.
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(1);
    // A value never goes through zod, whose messages could quote it: a bad one is refused without it.
    const tooLong = 'v'.repeat(70 * 1024);
    const refused = await callApi({ method: 'POST', path: `/secrets/${secret.id}/value`, token, body: { mode: 'enter', value: tooLong } });
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain('vvvvvvvv');
  });
});

describe('who may do what', () => {
  it('a viewer token, or a token without the write scope, cannot write', async () => {
    const team = await seedTeam();
    const viewer = await tokenFor('viewer', ['secrets:read']);
    const readOnly = await tokenFor('engineer', ['secrets:read']);
    for (const { token } of [viewer, readOnly]) {
      const answer = await callApi({ method: 'POST', path: '/secrets', token, body: await secretBody(team.id, `refused-${Date.now()}`) });
      expect(answer).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    }
    expect(await db.secret.count({ where: { ownerTeamId: team.id } })).toBe(0);
    const denials = await db.auditEvent.count({
      where: { action: 'secret.create', outcome: 'denied', actorId: { in: [viewer.caller.user!.id, readOnly.caller.user!.id] } },
    });
    expect(denials).toBe(2);
    // A viewer cannot even be given a write scope.
    await expect(createApiToken(viewer.caller, { name: 'x', scopes: ['secrets:write'], expiresInDays: 1 })).rejects.toThrow();
  });

  it("another team's secret: readable (like the inventory), but its guarded changes, value and rotation are refused", async () => {
    const { token } = await tokenFor('engineer', WRITE);
    const other = await seedConnectedSecret((await seedConnection('local')).id);
    expect((await callApi({ method: 'GET', path: `/secrets/${other.id}`, token })).json).toMatchObject({ ownerTeamAccess: 'none' });
    const refusals = [
      await callApi({ method: 'POST', path: `/secrets/${other.id}/value`, token, body: { mode: 'generate', alphabet: 'alphanumeric', length: 32 } }),
      await callApi({ method: 'POST', path: `/secrets/${other.id}/rotate`, token, body: {} }),
      await callApi({ method: 'POST', path: `/secrets/${other.id}/decommission`, token, body: { reason: 'not mine' } }),
    ];
    for (const refused of refusals) expect(refused).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    const { updatedAt } = (await callApi({ method: 'GET', path: `/secrets/${other.id}`, token })).json as { updatedAt: string };
    const reclassify = await callApi({
      method: 'PATCH',
      path: `/secrets/${other.id}`,
      token,
      body: { classification: 'sensitive', expectedUpdatedAt: updatedAt },
    });
    expect(reclassify).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    expect(await db.secretVersion.count({ where: { secretId: other.id } })).toBe(0);
    expect((await db.secret.findUniqueOrThrow({ where: { id: other.id } })).classification).toBe('critical');
    expect((await callApi({ method: 'GET', path: '/secrets/7d1d2a40-0000-4000-8000-000000000000', token })).status).toBe(404);
  });

  it('only a bearer token authenticates: no token, a session cookie, or a revoked token is a 401 (audited)', async () => {
    const { token, tokenId } = await tokenFor('engineer', WRITE);
    const cookie = await callApi({
      method: 'GET',
      path: '/secrets',
      headers: { cookie: 'next-auth.session-token=anything; __Secure-next-auth.session-token=x' },
    });
    expect(cookie).toMatchObject({ status: 401, json: { error: { code: 'unauthenticated' } } });
    await db.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
    const revoked = await callApi({ method: 'GET', path: '/secrets', token, headers: { 'x-forwarded-for': '192.0.2.77' } });
    expect(revoked.status).toBe(401);
    expect(await db.auditEvent.count({ where: { action: 'api_token.authenticate', outcome: 'denied', actorId: null, ip: '192.0.2.77' } })).toBe(1);
  });
});

describe('rate limits', () => {
  it('a token over its calls per minute gets 429 rate_limited with Retry-After', async () => {
    const { token, tokenId } = await tokenFor('engineer', WRITE);
    await db.apiToken.update({ where: { id: tokenId }, data: { rateLimitPerMinute: 2 } });
    for (let i = 0; i < 2; i++) expect((await callApi({ method: 'GET', path: '/teams', token })).status).toBe(200);
    const limited = await callApi({ method: 'GET', path: '/teams', token });
    expect(limited).toMatchObject({ status: 429, json: { error: { code: 'rate_limited' } } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('Idempotency-Key', () => {
  it('replays the stored answer for the same request and creates once', async () => {
    const { token } = await tokenFor('engineer', WRITE);
    const team = await seedTeam();
    const body = await secretBody(team.id, `idem-${Date.now()}`);
    const first = await callApi({ method: 'POST', path: '/secrets', token, body, headers: { 'idempotency-key': 'create-1' } });
    const second = await callApi({ method: 'POST', path: '/secrets', token, body, headers: { 'idempotency-key': 'create-1' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second).toMatchObject({ status: 201, json: first.json });
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await db.secret.count({ where: { ownerTeamId: team.id } })).toBe(1);
    // Keys belong to a token: another token's same key is its own request.
    const other = await tokenFor('engineer', WRITE);
    const theirs = await callApi({
      method: 'POST',
      path: '/secrets',
      token: other.token,
      body: { ...body, name: `${body.name}-2` },
      headers: { 'idempotency-key': 'create-1' },
    });
    expect(theirs.status).toBe(201);
  });

  it('refuses the same key with a different request (422), and a malformed key (400)', async () => {
    const { token } = await tokenFor('engineer', WRITE);
    const team = await seedTeam();
    const body = await secretBody(team.id, `idem-${Date.now()}`);
    expect((await callApi({ method: 'POST', path: '/secrets', token, body, headers: { 'idempotency-key': 'k' } })).status).toBe(201);
    const changed = await callApi({ method: 'POST', path: '/secrets', token, body: { ...body, name: `${body.name}-b` }, headers: { 'idempotency-key': 'k' } });
    expect(changed).toMatchObject({ status: 422, json: { error: { code: 'idempotency_conflict' } } });
    const elsewhere = await callApi({
      method: 'POST',
      path: '/systems',
      token,
      body: { name: 'x', ownerTeamId: team.id },
      headers: { 'idempotency-key': 'k' },
    });
    expect(elsewhere.status).toBe(422);
    const malformed = await callApi({ method: 'POST', path: '/secrets', token, body, headers: { 'idempotency-key': 'has space' } });
    expect(malformed).toMatchObject({ status: 400, json: { error: { code: 'invalid' } } });
    expect(await db.secret.count({ where: { ownerTeamId: team.id } })).toBe(1);
  });

  it('of two concurrent requests with one key, one runs: the others get 409 or its replayed answer', async () => {
    const { token } = await tokenFor('engineer', WRITE);
    const team = await seedTeam();
    const body = await secretBody(team.id, `race-${Date.now()}`);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => callApi({ method: 'POST', path: '/secrets', token, body, headers: { 'idempotency-key': 'race' } })),
    );
    const ran = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null);
    expect(ran).toHaveLength(1);
    for (const other of answers.filter((a) => a !== ran[0])) {
      if (other.status === 201) expect(other.json).toEqual(ran[0].json);
      else expect(other).toMatchObject({ status: 409, json: { error: { code: 'conflict' } } });
    }
    expect(await db.secret.count({ where: { ownerTeamId: team.id } })).toBe(1);
  });

  it('keeps a refusal as the answer, and frees and purges keys after 24 hours', async () => {
    const { token } = await tokenFor('engineer', WRITE);
    const team = await seedTeam();
    const invalid = { ...(await secretBody(team.id, `expire-${Date.now()}`)), classification: 'unknown' };
    const first = await callApi({ method: 'POST', path: '/secrets', token, body: invalid, headers: { 'idempotency-key': 'bad' } });
    expect(first.status).toBe(400);
    const again = await callApi({ method: 'POST', path: '/secrets', token, body: invalid, headers: { 'idempotency-key': 'bad' } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const body = await secretBody(team.id, `expire-${Date.now()}`);
    await callApi({ method: 'POST', path: '/secrets', token, body, headers: { 'idempotency-key': 'old' } });
    await db.idempotencyKey.updateMany({ where: { key: { in: ['old', 'bad'] } }, data: { createdAt: new Date(Date.now() - 25 * 60 * 60_000) } });
    // Expired: the key is free again (the name is now taken, so this run is a 409 of its own, not a replay).
    const after = await callApi({ method: 'POST', path: '/secrets', token, body, headers: { 'idempotency-key': 'old' } });
    expect(after.headers.get('idempotent-replayed')).toBeNull();
    expect(after).toMatchObject({ status: 409, json: { error: { code: 'conflict' } } });
    expect(await purgeIdempotencyKeys()).toBe(1);
    expect(await db.idempotencyKey.count({ where: { key: 'bad' } })).toBe(0);
  });
});
