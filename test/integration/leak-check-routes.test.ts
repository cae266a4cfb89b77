// The leak check's route handlers on real PostgreSQL: the upload streams NDJSON progress and
// ends with the scan id; a body over its limit is refused (413) even when sent chunked with
// no Content-Length, before anything is scanned; the upload route is outside the proxy's
// matcher (so Next does not buffer 50 MB for it) while the CLI's routes are inside; the CLI's
// calls work with a bearer token and refuse a wrong one (401, audited as signed out).
import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { describe, expect, it, vi } from 'vitest';
import type { Caller } from '@/lib/auth/caller';
import { newTokenText, tokenHashOf } from '@/lib/auth/api-tokens';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { config as proxyConfig } from '@/proxy';
import { callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

const session = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock('@/lib/auth/session', () => ({ getCaller: async () => session.caller }));
const upload = await import('@/app/api/leak-check/upload/route');
const scans = await import('@/app/api/leak-check/scans/route');
const batches = await import('@/app/api/leak-check/scans/[scanId]/batches/route');

useTestDatabase();

const MB = 1024 * 1024;
const HOST = 'dashboard.test';
const SAME_SITE = { host: HOST, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' };

/** A body sent chunked (no Content-Length), `total` bytes of `fill`. */
function chunked(total: number, fill = 'a'): ReadableStream<Uint8Array> {
  const chunk = Buffer.alloc(MB, fill);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(chunk.subarray(0, n)));
    },
  });
}

function post(path: string, body: BodyInit | ReadableStream<Uint8Array>, headers: Record<string, string> = SAME_SITE) {
  const init = { method: 'POST', headers, body, duplex: 'half' };
  return new NextRequest(`http://${HOST}${path}`, init as ConstructorParameters<typeof NextRequest>[1]);
}

const params = (scanId: string) => ({ params: Promise.resolve({ scanId }) });

describe('the upload route', () => {
  it('streams progress and ends with the scan id; the value is matched and not sent back', async () => {
    const engineer = await callerAs('engineer');
    session.caller = engineer;
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    const value = `canary-${randomUUID()}`;
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, value);

    const response = await upload.POST(post('/api/leak-check/upload?source=paste', `line one\nSECRET=${value}\n`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/ndjson/);
    const body = await response.text();
    expect(body).not.toContain(value);
    const lines = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = lines.at(-1)!;
    expect(Object.keys(last)).toEqual(['scanId']);
    expect(await db.leakFinding.count({ where: { scanId: last.scanId as string, secretId: secret.id } })).toBe(1);
  });

  it.each([
    { source: 'paste', total: 5 * MB + 1 },
    { source: 'file', total: 50 * MB + 1 },
  ])('refuses a $source over its limit sent chunked (413), scanning nothing', async ({ source, total }) => {
    const engineer = await callerAs('engineer');
    session.caller = engineer;
    const response = await upload.POST(post(`/api/leak-check/upload?source=${source}&name=big.log`, chunked(total)));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'too_large' });
    expect(await db.leakScan.count({ where: { startedById: engineer.user!.id } })).toBe(0);
  });

  it('refuses a viewer before reading the body (403, audited) and a signed-out caller (401)', async () => {
    const viewer = await callerAs('viewer');
    session.caller = viewer;
    const refused = await upload.POST(post('/api/leak-check/upload?source=paste', chunked(60 * MB)));
    expect(refused.status).toBe(403);
    expect(await db.auditEvent.count({ where: { action: 'leak.scan_start', actorId: viewer.user!.id, outcome: 'denied' } })).toBe(1);
    session.caller = await callerAs(null);
    expect((await upload.POST(post('/api/leak-check/upload?source=paste', 'some text to scan'))).status).toBe(401);
  });

  it('refuses a cross-site request', async () => {
    session.caller = await callerAs('engineer');
    const response = await upload.POST(
      post('/api/leak-check/upload?source=paste', 'text', { host: HOST, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
    );
    expect(response.status).toBe(403);
  });

  it('is outside the proxy matcher; the CLI routes and pages are inside', () => {
    const matcher = new RegExp(`^${proxyConfig.matcher[0].source}$`);
    expect(matcher.test('/api/leak-check/upload')).toBe(false);
    for (const path of ['/api/leak-check/scans', '/api/leak-check/scans/x/batches', '/leaks', '/api/audit/verify-bundle'])
      expect(matcher.test(path)).toBe(true);
  });
});

describe('the CLI routes with a bearer token', () => {
  it('start and a batch work with a token of the leak-check scope; a wrong token is 401, audited; a batch over 2 MB is 413', async () => {
    session.caller = await callerAs(null); // no browser session: the token alone
    const engineer = await callerAs('engineer');
    const token = newTokenText();
    await db.apiToken.create({
      data: { userId: engineer.user!.id, name: 'cli', tokenHash: tokenHashOf(token), scopes: ['leak-check'], expiresAt: new Date(Date.now() + 86_400_000) },
    });
    const bearer = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const started = await scans.POST(post('/api/leak-check/scans', JSON.stringify({ kind: 'cli', label: 'repo' }), bearer));
    expect(started.status).toBe(201);
    const { scanId } = (await started.json()) as { scanId: string };
    expect(await db.leakScan.findUniqueOrThrow({ where: { id: scanId } })).toMatchObject({ startedById: engineer.user!.id, kind: 'cli' });

    const ok = await batches.POST(post(`/api/leak-check/scans/${scanId}/batches`, JSON.stringify({ candidates: [], patterns: [] }), bearer), params(scanId));
    expect(await ok.json()).toEqual({ findings: 0 });
    const big = await batches.POST(post(`/api/leak-check/scans/${scanId}/batches`, chunked(2 * MB + 1, ' '), bearer), params(scanId));
    expect(big.status).toBe(413);

    const wrong = await scans.POST(
      post('/api/leak-check/scans', JSON.stringify({ kind: 'cli', label: 'repo' }), { authorization: `Bearer ${newTokenText()}` }),
    );
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'unauthenticated' });
  });
});
