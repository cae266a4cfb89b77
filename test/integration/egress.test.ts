// The egress policy end to end: webhooks, AWS and GCP connections and the PostgreSQL
// rotation socket are refused on loopback without EGRESS_ALLOW and work with it; a host
// name is judged by what it resolves to when connecting (DNS rebinding); GCP identity
// tokens go only to trusted hosts; AWS requests carry no secret key; the local provider is
// off in production. Settings are switched per test through a mocked env().
import dns from 'node:dns';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db';
import { createChannel, sendTestEvent } from '@/lib/data/notification-channels';
import { createConnection, testConnection } from '@/lib/data/provider-connections';
import { InputError } from '@/lib/errors';
import type { TEnv } from '@/lib/env';
import { deliver } from '@/lib/notifications/deliver';
import { NOTIFICATION_EVENTS } from '@/lib/notifications/events';
import { providerFor } from '@/lib/providers';
import { ProviderError } from '@/lib/providers/errors';
import { closeGcpClients, gcpClientOptions, gcpEndpoint } from '@/lib/providers/gcp-client';
import { verifyLogin } from '@/lib/rotation/postgres-role';
import { SecretValue } from '@/lib/secret-value';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';
import { auditEventsFor, callerAs, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { errorOf } from '../support/errors';

const settings = vi.hoisted(() => ({ overrides: {} as Partial<TEnv> }));
vi.mock('@/lib/env', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/env')>();
  return { ...real, env: () => ({ ...real.env(), ...settings.overrides }) };
});
const set = (overrides: Partial<TEnv>) => {
  settings.overrides = overrides;
};
const REFUSE_ALL = { EGRESS_ALLOW: [] };
const ALLOW_LOOPBACK = { EGRESS_ALLOW: ['127.0.0.1'] };

useTestDatabase();

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;

let receiver: WebhookReceiver;
let aws: AwsSecretsManagerEmulator;
let gcp: GcpSecretManagerEmulator;
beforeAll(async () => {
  [receiver, aws, gcp] = await Promise.all([startWebhookReceiver(), startAwsSecretsManagerEmulator(), startGcpSecretManagerEmulator()]);
});
afterAll(async () => {
  await closeGcpClients();
  await Promise.all([receiver.close(), aws.close(), gcp.close()]);
});
afterEach(() => {
  set({});
  vi.restoreAllMocks();
});

const channelInput = (url: string) => ({ name: unique('hook'), kind: 'webhook', url, events: [...NOTIFICATION_EVENTS], enabled: 'on' });
const seedChannel = (url: string) =>
  db.notificationChannel.create({
    data: { name: unique('hook'), kind: 'webhook', url, events: [...NOTIFICATION_EVENTS], enabled: true },
    select: { id: true },
  });

describe('webhooks', () => {
  it('refuse a loopback URL when saving without EGRESS_ALLOW, and save and deliver with it', async () => {
    const admin = await callerAs('admin');
    set(REFUSE_ALL);
    const refused = (await errorOf(createChannel(admin, channelInput(receiver.url())))) as InputError;
    expect(refused).toBeInstanceOf(InputError);
    expect(refused.fieldErrors.url?.[0]).toMatch(/loopback address.*EGRESS_ALLOW/);

    set(ALLOW_LOOPBACK);
    const { id } = await createChannel(admin, channelInput(receiver.url()));
    expect(await sendTestEvent(admin, id)).toEqual({ delivered: true, statusCode: 200, error: null });
  });

  it('refuse at connect time with our message, audited, and fail the delivery for good', async () => {
    const admin = await callerAs('admin');
    const { id } = await seedChannel(receiver.url('/refused'));
    set(REFUSE_ALL);
    const before = receiver.received.length;
    const outcome = await sendTestEvent(admin, id);
    expect(outcome).toMatchObject({ delivered: false, statusCode: null });
    expect(outcome.error).toMatch(/^The server may not connect to a loopback address\. An operator can allow/);
    expect(receiver.received.length).toBe(before);
    const audit = (await auditEventsFor(id)).find((e) => e.action === 'notification_channel.test');
    expect(audit).toMatchObject({ outcome: 'failed', detail: { statusCode: null, error: outcome.error } });

    const { event, payload } = await db.notificationDelivery.findFirstOrThrow({ where: { channelId: id } });
    const delivery = await db.notificationDelivery.create({ data: { channelId: id, event, payload: payload as object }, select: { id: true } });
    // Not a retryable failure: the first attempt ends it.
    expect(await deliver(delivery.id)).toMatchObject({ status: 'failed', attempts: 1, statusCode: null });
  });

  it('judge a host name by the address it resolves to when connecting (localhost, DNS rebinding)', async () => {
    const admin = await callerAs('admin');
    const port = new URL(receiver.url()).port;
    // localhost resolves (hosts file, offline) to loopback: refused without EGRESS_ALLOW.
    const viaName = await seedChannel(`http://localhost:${port}/by-name`);
    set(REFUSE_ALL);
    expect((await sendTestEvent(admin, viaName.id)).error).toMatch(/loopback address/);
    set(ALLOW_LOOPBACK);
    expect(await sendTestEvent(admin, viaName.id)).toMatchObject({ delivered: true, statusCode: 200 });

    // A name that resolves to a public address when saved and to 127.0.0.1 when used.
    set(REFUSE_ALL);
    const lookup = vi.spyOn(dns.promises, 'lookup').mockResolvedValueOnce([{ address: '93.184.215.14', family: 4 }] as never);
    const { id } = await createChannel(admin, channelInput(`http://rebinding.example:${port}/hook`));
    lookup.mockResolvedValue([{ address: '127.0.0.1', family: 4 }] as never);
    const before = receiver.received.length;
    expect((await sendTestEvent(admin, id)).error).toMatch(/loopback address/);
    expect(receiver.received.length).toBe(before);
    expect(lookup).toHaveBeenCalledWith('rebinding.example', { all: true });
  });
});

describe('provider connections', () => {
  it('refuse an AWS emulator on loopback without EGRESS_ALLOW (saving and testing) and reach it with it', async () => {
    const admin = await callerAs('admin');
    set(REFUSE_ALL);
    const refused = (await errorOf(createConnection(admin, { kind: 'aws', name: unique('aws'), region: 'us-east-1', endpoint: aws.endpoint }))) as InputError;
    expect(refused.fieldErrors.endpoint?.[0]).toMatch(/loopback address/);

    const seeded = await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint });
    const requests = aws.requests.length;
    expect(await testConnection(admin, seeded.id)).toEqual({ ok: false, code: 'refused', message: expect.stringMatching(/loopback address.*EGRESS_ALLOW/) });
    expect(aws.requests.length).toBe(requests);
    expect((await auditEventsFor(seeded.id)).at(-1)).toMatchObject({ action: 'provider_connection.test', outcome: 'failed', detail: { code: 'refused' } });

    set(ALLOW_LOOPBACK);
    expect(await testConnection(admin, seeded.id)).toMatchObject({ ok: true });
    await createConnection(admin, { kind: 'aws', name: unique('aws'), region: 'us-east-1', endpoint: aws.endpoint });
  });

  it('refuse a GCP emulator on loopback without EGRESS_ALLOW (saving and testing) and reach it with it', async () => {
    const admin = await callerAs('admin');
    set(REFUSE_ALL);
    const refused = (await errorOf(
      createConnection(admin, { kind: 'gcp', name: unique('gcp'), projectId: 'egress-project', endpoint: gcp.endpoint }),
    )) as InputError;
    expect(refused.fieldErrors.endpoint?.[0]).toMatch(/loopback address/);

    const seeded = await seedConnection('gcp', { projectId: 'egress-project', endpoint: gcp.endpoint });
    const requests = gcp.requests.length;
    expect(await testConnection(admin, seeded.id)).toEqual({ ok: false, code: 'refused', message: expect.stringMatching(/loopback address/) });
    // By name too: localhost is resolved and checked before the channel is made.
    const byName = await seedConnection('gcp', { projectId: 'egress-project', endpoint: `http://localhost:${gcp.port}` });
    expect(await testConnection(admin, byName.id)).toMatchObject({ ok: false, code: 'refused' });
    expect(gcp.requests.length).toBe(requests);

    set(ALLOW_LOOPBACK);
    expect(await testConnection(admin, seeded.id)).toMatchObject({ ok: true });
    expect(await testConnection(admin, byName.id)).toMatchObject({ ok: true });
  });

  it('pin the GCP channel to the checked address, keeping the typed host for TLS', async () => {
    set({ ...ALLOW_LOOPBACK, GCP_TRUSTED_ENDPOINTS: ['localhost'] });
    vi.spyOn(dns.promises, 'lookup').mockResolvedValue([{ address: '127.0.0.1', family: 4 }] as never);
    expect(await gcpClientOptions({ endpoint: 'https://localhost:8443' })).toEqual({
      apiEndpoint: '127.0.0.1',
      port: 8443,
      'grpc.default_authority': 'localhost:8443',
      'grpc.ssl_target_name_override': 'localhost',
    });
  });

  it("send the server's Google identity only to Google API hosts and trusted endpoints", async () => {
    const admin = await callerAs('admin');
    set({ GCP_TRUSTED_ENDPOINTS: ['secrets-proxy.corp.example'] });
    // http:// endpoints get insecure channel credentials, which replace the Google token.
    set({ ...ALLOW_LOOPBACK });
    expect((await gcpClientOptions({ endpoint: gcp.endpoint })).sslCreds).toBeDefined();
    // https:// without sslCreds means google-gax attaches the ADC token: only for these hosts.
    set({ GCP_TRUSTED_ENDPOINTS: ['secrets-proxy.corp.example'] });
    expect(gcpEndpoint('https://secretmanager.googleapis.com').secure).toBe(true);
    expect(gcpEndpoint('https://europe-west1-secretmanager.p.googleapis.com:443').secure).toBe(true);
    expect(gcpEndpoint('https://Secrets-Proxy.corp.example').secure).toBe(true);
    for (const endpoint of ['https://attacker.example', 'https://googleapis.com.attacker.example', 'https://secretmanager.googleapis.com.evil.example']) {
      const error = (() => {
        try {
          gcpEndpoint(endpoint);
        } catch (e) {
          return e;
        }
      })();
      expect(error, endpoint).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe('refused');
    }
    const lookup = vi.spyOn(dns.promises, 'lookup');
    await expect(gcpClientOptions({ endpoint: 'https://attacker.example' })).rejects.toMatchObject({
      code: 'refused',
      message: expect.stringMatching(/GCP_TRUSTED_ENDPOINTS/),
    });
    expect(lookup).not.toHaveBeenCalled();
    const refused = (await errorOf(
      createConnection(admin, { kind: 'gcp', name: unique('gcp'), projectId: 'egress-project', endpoint: 'https://attacker.example' }),
    )) as InputError;
    expect(refused.fieldErrors.endpoint?.[0]).toMatch(/identity token.*GCP_TRUSTED_ENDPOINTS/);
  });

  it('send AWS requests signed, never carrying the secret access key, and without echoing answers', async () => {
    const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(500, { 'content-type': 'text/html', 'x-amzn-errortype': 'InternalMarker' });
        res.end('<html>internal-service-body-marker</html>');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      set(ALLOW_LOOPBACK);
      const { port } = server.address() as { port: number };
      const provider = providerFor({ kind: 'aws', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}` }, { timeoutMs: 3000 });
      const result = await provider.testConnection();
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toMatch(/marker|html/i);
      expect(seen.length).toBeGreaterThan(0);
      const secretKey = process.env.AWS_SECRET_ACCESS_KEY!;
      for (const request of seen) {
        expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTONLY\//);
        expect(JSON.stringify(request)).not.toContain(secretKey);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('PostgreSQL role rotation', () => {
  // The machine's PostgreSQL has no TLS: this test is about where the server connects, not how.
  const admin = (host: string) => ({
    host,
    port: 5432,
    database: 'postgres',
    user: 'postgres',
    password: new SecretValue('unused-with-trust-auth'),
    sslmode: 'disable' as const,
  });

  it('refuses a loopback database host without EGRESS_ALLOW, by address and by name, and connects with it', async () => {
    set(REFUSE_ALL);
    for (const host of ['127.0.0.1', 'localhost', '/var/run/postgresql']) {
      const error = await errorOf(verifyLogin(admin(host), 'postgres', new SecretValue('x')));
      expect(error, host).toBeInstanceOf(ProviderError);
      expect(error, host).toMatchObject({ code: 'refused', message: expect.stringMatching(/loopback address|local socket/) });
    }
    set(ALLOW_LOOPBACK);
    expect(await verifyLogin(admin('127.0.0.1'), 'postgres', new SecretValue('x'))).toBe(true);
  });
});

describe('the local development provider', () => {
  it('is refused in production, when saving and when used, unless ALLOW_LOCAL_PROVIDER is set', async () => {
    const admin = await callerAs('admin');
    const seeded = await seedConnection('local');
    set({ NODE_ENV: 'production', ALLOW_LOCAL_PROVIDER: false });
    const refused = (await errorOf(createConnection(admin, { kind: 'local', name: unique('local') }))) as InputError;
    expect(refused).toBeInstanceOf(InputError);
    expect(refused.fieldErrors.kind?.[0]).toMatch(/off in production.*ALLOW_LOCAL_PROVIDER=true/);
    expect(await testConnection(admin, seeded.id)).toMatchObject({ ok: false, code: 'refused' });
    await expect(providerFor({ kind: 'local' }).listVersions('production/x')).rejects.toMatchObject({ code: 'refused' });

    set({ NODE_ENV: 'production', ALLOW_LOCAL_PROVIDER: true });
    expect(await testConnection(admin, seeded.id)).toMatchObject({ ok: true });
    await createConnection(admin, { kind: 'local', name: unique('local') });
  });
});
