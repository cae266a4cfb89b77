// Prometheus metrics on real PostgreSQL: /api/metrics answers an access token with the
// metrics:read scope (and refuses, audited, a token without it, a role without
// metrics.read, and no token at all); the text has the default process metrics, provider
// calls per connection, queue depth and age read from pg-boss, rotation runs by strategy and
// state, and the audit chain verification's age, and never a secret value. The metrics
// port serves the same text without sign-in.
import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { describe, expect, it, vi } from 'vitest';
import type { Role } from '@/generated/prisma/enums';
import { newTokenText, tokenHashOf } from '@/lib/auth/api-tokens';
import type { Caller } from '@/lib/auth/caller';
import { verifyAndRecord } from '@/lib/audit/verifications';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { jobSender } from '@/lib/jobs/boss';
import { QUEUE } from '@/lib/jobs/queues';
import { startMetricsServer } from '@/lib/metrics/port-server';
import type { ApiScope } from '@/lib/validation/api-tokens';
import { freePort } from '../support/free-port';
import { callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

vi.mock('@/lib/auth/session', () => ({
  getCaller: async (): Promise<Caller> => ({ user: null, request: { ip: '127.0.0.1', userAgent: 'vitest', requestId: 'r' } }),
}));
const route = await import('@/app/api/metrics/route');

useTestDatabase();

async function tokenFor(role: Role, scopes: ApiScope[]): Promise<{ token: string; userId: string }> {
  const caller = await callerAs(role);
  const token = newTokenText();
  await db.apiToken.create({
    data: { userId: caller.user!.id, name: 'prometheus', tokenHash: tokenHashOf(token), scopes, expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return { token, userId: caller.user!.id };
}

const scrape = (token?: string) =>
  route.GET(new NextRequest('http://dashboard.test/api/metrics', { headers: token ? { authorization: `Bearer ${token}` } : {} }));

describe('/api/metrics', () => {
  it('serves Prometheus text to a metrics:read token: process, provider, queue, rotation and audit verification metrics, no value', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('local');
    const secret = await seedConnectedSecret(connection.id);
    await joinOwningTeam(engineer, secret.id);
    const value = `canary-${randomUUID()}`;
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, value);
    await db.rotationRun.create({ data: { secretId: secret.id, strategy: 'generated', trigger: 'manual', state: 'completed', graceHours: 0 } });
    await (await jobSender()).send(QUEUE.healthSnapshot, {}, { startAfter: new Date(Date.now() - 60_000) });
    await verifyAndRecord();
    // A SIEM sink that has acknowledged nothing of the chain so far.
    await db.$executeRaw`INSERT INTO audit_sinks (id, name, kind, endpoint, allow_plaintext, enabled, start_seq, acked_seq, updated_at)
      VALUES (gen_random_uuid(), 'metrics-sink', 'syslog', '127.0.0.1:9', true, false, 0, 0, now())`;
    const [{ seq: head }] = await db.$queryRaw<{ seq: bigint }[]>`SELECT seq FROM audit_chain_head WHERE id = 1`;

    const { token } = await tokenFor('admin', ['metrics:read']);
    const response = await scrape(token);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toContain(
      `secret_inventory_provider_call_duration_seconds_count{connection="${connection.id}",kind="local",method="writeValue",outcome="ok"} 1`,
    );
    expect(text).toContain('secret_inventory_rotation_runs{strategy="generated",state="completed"} 1');
    expect(text).toContain(`secret_inventory_job_queue_depth{queue="${QUEUE.healthSnapshot}",state="waiting"} 1`);
    const age = Number(new RegExp(`^secret_inventory_job_queue_oldest_age_seconds\\{queue="${QUEUE.healthSnapshot}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(59);
    expect(text).toMatch(/^secret_inventory_audit_chain_verification_age_seconds\{ok="true"\} \d/m);
    expect(text).toContain(`secret_inventory_audit_sink_lag_events{sink="metrics-sink",enabled="false"} ${head}`);
    expect(text).toMatch(/^secret_inventory_audit_sink_lag_seconds\{sink="metrics-sink",enabled="false"\} \d/m);
    expect(text).not.toContain(value);
    expect(text).not.toContain(secret.name);
  });

  it('refuses a token without the scope, a role without metrics.read, and no token, each audited', async () => {
    const wrongScope = await tokenFor('admin', ['secrets:read']);
    const engineer = await tokenFor('engineer', ['metrics:read']);
    expect((await scrape(wrongScope.token)).status).toBe(403);
    expect((await scrape(engineer.token)).status).toBe(403);
    expect((await scrape(newTokenText())).status).toBe(401);
    expect((await scrape()).status).toBe(401);
    const denials = await db.auditEvent.findMany({ where: { action: 'metrics.read', outcome: 'denied' }, orderBy: { id: 'asc' } });
    expect(denials.map((e) => [e.actorId, (e.detail as { reason: string }).reason])).toEqual([
      [wrongScope.userId, 'token_scope'],
      [engineer.userId, 'missing_permission'],
      // The call without any token (the session path: no session).
      [null, 'signed_out'],
    ]);
    // The unknown token's refusal is audited where tokens are checked (authenticateApiRequest).
    const tokenDenials = await db.auditEvent.findMany({ where: { action: 'api_token.authenticate', outcome: 'denied' } });
    expect(tokenDenials.map((e) => (e.detail as { reason: string }).reason)).toEqual(['invalid_token']);
  });
});

describe('the metrics port', () => {
  it('serves the same text without sign-in at /metrics, and nothing else', async () => {
    const port = await freePort();
    const server = startMetricsServer('127.0.0.1', port);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE secret_inventory_rotation_runs gauge');
      expect((await fetch(`http://127.0.0.1:${port}/api/secrets`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
