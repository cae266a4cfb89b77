// Several replicas on one database: two production app servers (A and B) and two workers
// against one scratch database, each a real process with its own memory. Proves what must
// not be per-instance:
//   - a secret created through A (its server action, a signed-in session) is in B's
//     inventory rows at once, and both count the same (the list counts cache is keyed by a
//     database generation every instance reads: lib/db/list-counts-cache.ts);
//   - a session made on A works on B (sessions are rows in user_sessions, signed with the
//     shared NEXTAUTH_SECRET);
//   - failed sign-ins on A count on B (the limiter's counters are rows in rate_limits);
//   - rotations started while both workers run each run exactly once: one run row, one new
//     provider version (one write between the workers' own metrics), each transition
//     audited once.
//   - a CI job's import over real HTTP: a team's service token POSTs 1,000 secrets to A
//     (each with an Idempotency-Key; a retried key replays the stored answer) and reads the
//     same 1,000 back from B through keyset pages; each creation is audited naming the token
//     (test/integration/rest-api.test.ts proves the same through the route handlers in-process).
// And what each instance serves about itself: liveness, readiness, and its Prometheus text
// (at /api/metrics with a token, and on METRICS_PORT), with the request durations
// scripts/server.mjs observes labelled by route template.
// Needs the production build (test/support/next-build.ts builds it when missing or stale).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTokenText, tokenHashOf } from '@/lib/auth/api-tokens';
import { hashPassword } from '@/lib/auth/password';
import { writeSecretValue } from '@/lib/data/secret-values';
import { createServiceToken } from '@/lib/data/service-tokens';
import { startRotation } from '@/lib/data/rotations';
import { db } from '@/lib/db';
import { providerFor } from '@/lib/providers';
import { buildServerActions, flightRows } from '../../e2e/support/next-build';
import { appProcessEnv, startWorker, type StartedWorker } from '../support/app-process';
import { startServer, type StartedServer } from '../support/app-server';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { ensureBuild } from '../support/next-build';
import { callerAs, environmentId, joinOwningTeam, secretInput, seedConnectedSecret, seedConnection, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

let a: StartedServer;
let metricsPort: number;
let b: StartedServer;
const workers: (StartedWorker & { metricsPort: number })[] = [];

/** What every process gets: the test database, the shared keys, one local provider store. */
const sharedEnv = () =>
  appProcessEnv({
    LOCAL_PROVIDER_KEY: process.env.LOCAL_PROVIDER_KEY,
    LOCAL_PROVIDER_DIR: process.env.LOCAL_PROVIDER_DIR,
    ALLOW_LOCAL_PROVIDER: 'true',
    EGRESS_ALLOW: '127.0.0.1',
    LOG_LEVEL: 'info',
  });

beforeAll(async () => {
  ensureBuild();
  metricsPort = await freePort();
  [a, b] = await Promise.all([startServer({ ...sharedEnv(), METRICS_PORT: String(metricsPort) }), startServer(sharedEnv())]);
  const worker = ['--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts'];
  for (const id of ['replica-worker-1', 'replica-worker-2']) {
    const port = await freePort();
    const started = await startWorker([process.execPath, ...worker], { ...sharedEnv(), WORKER_ID: id, METRICS_PORT: String(port) }, 60_000);
    workers.push({ ...started, metricsPort: port });
  }
}, 25 * 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), ...workers.map(async (w) => (w.child.kill('SIGTERM'), await w.exited))]);
});

/** A cookie jar of one client, shared by every instance it calls (as a browser's is, for one host name). */
class Client {
  readonly cookies = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }

  /** next-auth's credentials sign-in, as the browser does it; the URL it answers with (an error names the refusal). */
  async signIn(server: StartedServer, email: string, password: string): Promise<string> {
    const { csrfToken } = (await (await this.fetch(`${server.baseUrl}/api/auth/csrf`)).json()) as { csrfToken: string };
    const response = await this.fetch(`${server.baseUrl}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.baseUrl },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: server.baseUrl, json: 'true' }),
    });
    return response.headers.get('location') ?? ((await response.json()) as { url: string }).url;
  }

  async rows(server: StartedServer, query: string): Promise<{ names: string[]; total: number; summary: unknown }> {
    const response = await this.fetch(`${server.baseUrl}/api/inventory/rows?${query}`, { headers: { 'sec-fetch-site': 'same-origin' } });
    expect(response.status, await response.clone().text()).toBe(200);
    const { page } = (await response.json()) as { page: { items: { name: string }[]; total: number; summary: unknown } };
    return { names: page.items.map((i) => i.name), total: page.total, summary: page.summary };
  }
}

const PASSWORD = 'replica-test-password-1234';
const SESSION_COOKIE = 'next-auth.session-token';

async function engineerWithPassword() {
  const caller = await callerAs('engineer');
  await db.user.update({ where: { id: caller.user!.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
  return caller;
}

describe('two app instances and two workers on one database', () => {
  it('a session made on A works on B, and a secret created through A is in B’s rows at once, with the same counts', async () => {
    const engineer = await engineerWithPassword();
    const client = new Client();
    expect(await client.signIn(a, engineer.user!.email, PASSWORD)).not.toMatch(/error=/);
    expect(client.cookies.has(SESSION_COOKIE)).toBe(true);

    // Both instances have computed (and cached) the counts before the write.
    const before = await client.rows(b, 'status=any');
    expect(await client.rows(a, 'status=any')).toEqual(before);

    const input = await secretInput();
    await db.teamMember.create({ data: { teamId: input.ownerTeamId, userId: engineer.user!.id } });
    const action = buildServerActions()!.find((x) => x.exportedName === 'createSecretAction' && x.filename.includes('inventory/actions'))!;
    const created = await client.fetch(`${a.baseUrl}${action.pagePath}`, {
      method: 'POST',
      headers: { 'next-action': action.id, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component', origin: a.baseUrl },
      body: JSON.stringify([input]),
    });
    const body = await created.text();
    expect(created.status, body).toBe(200);
    expect(flightRows(body).get('0') ?? '', body).not.toMatch(/"ok":false/);

    const onB = await client.rows(b, 'status=any');
    expect(onB.total).toBe(before.total + 1);
    expect(onB.names).toContain(input.name);
    expect(await client.rows(a, 'status=any')).toEqual(onB);
    expect((await client.rows(b, `status=any&q=${encodeURIComponent(input.name)}`)).names).toEqual([input.name]);
  });

  it("a CI job's import over HTTP: a service token creates 1,000 secrets through A and reads the same 1,000 back from B", { timeout: 900_000 }, async () => {
    // The CI job's token: the team's own, acting as an engineer of that team, with a rate limit sized for the import.
    const team = await seedTeam();
    const { token, tokenId } = await createServiceToken(await callerAs('admin'), team.id, {
      name: 'inventory import over http',
      role: 'engineer',
      scopes: ['secrets:read', 'secrets:write'],
      expiresInDays: 1,
      rateLimitPerMinute: 5000,
    });
    const authorization = `Bearer ${token}`;
    const environment = await environmentId('development');
    const names = Array.from({ length: 1000 }, (_, i) => `http-import-${String(i).padStart(4, '0')}-${team.id.slice(0, 8)}`);
    const post = (name: string, key: string) =>
      fetch(`${a.baseUrl}/api/v1/secrets`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ name, environmentId: environment, ownerTeamId: team.id, classification: 'sensitive', autoRotate: false }),
      });

    // POST every name to A, 8 requests in flight at a time, each under its own Idempotency-Key.
    // Each answer is the new secret's id: `created` maps it to the name that was sent.
    const created = new Map<string, string>();
    const answers: unknown[] = [];
    let nextIndex = 0;
    const postNext = async () => {
      while (nextIndex < names.length) {
        const i = nextIndex++;
        const response = await post(names[i], `import-${i}`);
        const text = await response.text();
        expect(response.status, text).toBe(201);
        answers[i] = JSON.parse(text);
        created.set((answers[i] as { id: string }).id, names[i]);
      }
    };
    await Promise.all(Array.from({ length: 8 }, postNext));
    expect(created.size).toBe(1000);

    // A retry (same key, same request) replays the stored answer and creates nothing.
    const retried = await post(names[0], 'import-0');
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await retried.json()).toEqual(answers[0]);
    expect(await db.secret.count({ where: { ownerTeamId: team.id } })).toBe(1000);

    // Read them back from B, 100 a page (the largest page size), following `next`.
    const read: { id: string; name: string; ownerTeam: { id: string } }[] = [];
    let cursor: string | null = null;
    do {
      const query = `owner=${team.id}&size=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await fetch(`${b.baseUrl}/api/v1/secrets?${query}`, { headers: { authorization } });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      const page = JSON.parse(text) as { items: typeof read; next: string | null; total: number };
      expect(page.total).toBe(1000);
      read.push(...page.items);
      cursor = page.next;
    } while (cursor);
    expect(read).toHaveLength(1000);
    expect(new Set(read.map((s) => s.id))).toEqual(new Set(created.keys()));
    expect(read.map((s) => s.name).sort()).toEqual([...names].sort());
    for (const s of read) expect(s.name).toBe(created.get(s.id));
    expect(read.every((s) => s.ownerTeam.id === team.id)).toBe(true);

    // Each creation is audited once, naming the token.
    const audited = await db.auditEvent.findMany({
      where: { action: 'secret.create', outcome: 'success', targetId: { in: [...created.keys()] } },
      select: { targetId: true, detail: true },
    });
    expect(audited).toHaveLength(1000);
    expect(new Set(audited.map((e) => e.targetId)).size).toBe(1000);
    expect(audited.every((e) => (e.detail as { tokenId?: string } | null)?.tokenId === tokenId)).toBe(true);
  });

  it('failed sign-ins on A count on B: the next attempt on B is refused, even with the right password', async () => {
    const engineer = await engineerWithPassword();
    for (let i = 0; i < 5; i += 1) expect(await new Client().signIn(a, engineer.user!.email, 'not-the-password')).toMatch(/error=CredentialsSignin/);
    const client = new Client();
    expect(await client.signIn(b, engineer.user!.email, PASSWORD)).toMatch(/error=TooManyAttempts/);
    expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('each instance is live and ready, and serves its own metrics: request durations by route template', async () => {
    for (const server of [a, b]) {
      expect((await fetch(`${server.baseUrl}/api/health/live`)).status).toBe(200);
      expect(await (await fetch(`${server.baseUrl}/api/health/ready`)).json()).toEqual({ status: 'ready' });
    }
    const secretId = randomUUID();
    // Read to the end: an instance counts a request once its response has closed.
    await (await fetch(`${a.baseUrl}/inventory/${secretId}`, { redirect: 'manual' })).text();
    const admin = await callerAs('admin');
    const token = newTokenText();
    await db.apiToken.create({
      data: {
        userId: admin.user!.id,
        name: 'prometheus',
        tokenHash: tokenHashOf(token),
        scopes: ['metrics:read'],
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const inventoryPage = /^http_request_duration_seconds_count\{method="GET",route="\/inventory\/\[secretId\]",status="\d+"\} 1$/m;
    // The response's close reaches the server just after the client read its last byte.
    const text = await eventually(
      async () => (await fetch(`${a.baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${token}` } })).text(),
      (scraped) => inventoryPage.test(scraped),
      10_000,
    );
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/inventory\/rows",status="200"\} \d+$/m);
    expect(text).not.toContain(secretId);
    expect(text).toMatch(/^secret_inventory_job_queue_depth\{queue="rotation-tick",state="waiting"\} \d+$/m);
    const port = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(port).toContain('# TYPE http_request_duration_seconds histogram');
    expect((await fetch(`${a.baseUrl}/api/metrics`)).status).toBe(401);
  });

  it('rotations started while both workers run each run exactly once', async () => {
    const engineer = await callerAs('engineer');
    const connection = await seedConnection('local');
    const secrets = [];
    for (let i = 0; i < 4; i += 1) {
      const secret = await seedConnectedSecret(connection.id, { providerRef: `replicas/${randomUUID()}` });
      await joinOwningTeam(engineer, secret.id);
      await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'generated', rotationConfig: {} } });
      await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `initial-${randomUUID()}`);
      secrets.push(secret);
    }
    // No grace period: each run goes from start to completed without waiting.
    const runIds = await Promise.all(secrets.map(async (s) => (await startRotation(engineer, s.id, { graceHours: 0 })).runId));
    await eventually(
      async () => (await db.rotationRun.findMany({ where: { id: { in: runIds } }, select: { state: true } })).map((r) => r.state),
      (states) => states.length === runIds.length && states.every((s) => s === 'completed'),
      150_000,
      500,
    );

    const provider = providerFor({ kind: 'local' });
    for (const secret of secrets) {
      expect(await db.rotationRun.count({ where: { secretId: secret.id } })).toBe(1);
      // The initial value and the rotation's one new value.
      expect(await provider.listVersions(secret.providerRef)).toHaveLength(2);
      const actions = (await db.auditEvent.findMany({ where: { targetId: secret.id, action: { startsWith: 'rotation.' } }, select: { action: true } })).map(
        (e) => e.action,
      );
      expect(
        actions.filter((action) => action === 'rotation.grace_ended'),
        'one completion',
      ).toHaveLength(1);
      expect(new Set(actions).size, `each transition audited once: ${actions.join(', ')}`).toBe(actions.length);
    }
    // Both workers were up throughout (neither crashed nor stopped).
    for (const worker of workers) expect(worker.child.exitCode).toBeNull();
    // Each worker counts the provider calls its own jobs made (its METRICS_PORT): between them,
    // one value written per run.
    const line = new RegExp(
      `^secret_inventory_provider_call_duration_seconds_count\\{connection="${connection.id}",kind="local",method="writeValue",outcome="ok"\\} (\\d+)$`,
      'm',
    );
    let written = 0;
    for (const worker of workers) written += Number(line.exec(await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text())?.[1] ?? 0);
    expect(written).toBe(secrets.length);
  }, 200_000);
});
