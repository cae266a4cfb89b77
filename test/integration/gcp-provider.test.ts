// The GCP adapter against the emulator, through the real SDK over loopback: what a write
// creates, what listVersions reports, enabling and disabling, connection tests, and every
// injected fault rewritten into the right ProviderError without the value anywhere in it.
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { v1 } from '@google-cloud/secret-manager';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';
import type { FaultError } from '../emulators/faults';
import { GcpSecretManagerProvider } from '@/lib/providers/gcp';
import { closeGcpClients } from '@/lib/providers/gcp-client';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import { SecretValue } from '@/lib/secret-value';

const PROJECT = 'demo-project';
const NUMBER = '123456789012';
const TIMEOUT_MS = 1500;

let emu: GcpSecretManagerEmulator;
let raw: v1.SecretManagerServiceClient;
let provider: GcpSecretManagerProvider;
let counter = 0;

beforeAll(async () => {
  emu = await startGcpSecretManagerEmulator({ projectNumbers: { [PROJECT]: NUMBER } });
  raw = new v1.SecretManagerServiceClient({ apiEndpoint: '127.0.0.1', port: emu.port, sslCreds: grpc.credentials.createInsecure() });
  provider = new GcpSecretManagerProvider({ kind: 'gcp', projectId: PROJECT, endpoint: emu.endpoint }, { timeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  await raw.close();
  await closeGcpClients();
  await emu.close();
});
beforeEach(() => emu.reset());

/** A value no other test uses, so finding it anywhere means it leaked from this test. */
const uniqueValue = () => `canary-${process.pid}-${++counter}-${Math.random().toString(36).slice(2)}`;

const write = (ref: string, value: string, labels: Record<string, string> = {}) =>
  provider.writeValue({ ref, value: new SecretValue(value), idempotencyToken: crypto.randomUUID(), labels });

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

/** Every way an error can leave the process: message, stack, JSON, inspect, String. */
function expectNoValue(error: ProviderError, value: string) {
  for (const text of [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 5 }), String(error)]) {
    expect(text).not.toContain(value);
    // Nor any of the SDK's text: the emulator's injected messages start with "Injected".
    expect(text).not.toContain('Injected');
  }
  expect(error.cause).toBeUndefined();
}

describe('writeValue', () => {
  test('the first write creates the secret with fitted labels and version 1', async () => {
    const written = await write('payments-db', 'first value', {
      team: 'Payments Team',
      'app.tier': 'Web',
      '2fa': 'yes',
      Owner: 'ÅSA@example.com',
    });
    expect(written).toMatchObject({ versionId: '1', createdSecret: true });
    expect(written.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(written.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(emu.requests).toEqual(['AddSecretVersion', 'CreateSecret', 'AddSecretVersion']);

    const [secret] = await raw.getSecret({ name: `projects/${PROJECT}/secrets/payments-db` });
    expect(secret.name).toBe(`projects/${NUMBER}/secrets/payments-db`);
    expect(secret.replication?.automatic).toBeTruthy();
    expect(secret.labels).toEqual({ team: 'payments_team', app_tier: 'web', k_2fa: 'yes', owner: 'åsa_example_com' });
    const [version] = await raw.getSecretVersion({ name: `projects/${PROJECT}/secrets/payments-db/versions/1` });
    expect(version.clientSpecifiedPayloadChecksum).toBe(true);
    expect(emu.storedValues()).toEqual(['first value']);
  });

  test('the next write adds version 2, which becomes current', async () => {
    await write('s', 'one');
    const second = await write('s', 'two');
    expect(second).toMatchObject({ versionId: '2', createdSecret: false });
    const versions = await provider.listVersions('s');
    expect(versions.map((v) => [v.versionId, v.state, v.current])).toEqual([
      ['2', 'enabled', true],
      ['1', 'enabled', false],
    ]);
    const [latest] = await raw.accessSecretVersion({ name: `projects/${PROJECT}/secrets/s/versions/latest` });
    expect(Buffer.from(latest.payload!.data as Uint8Array).toString()).toBe('two');
  });

  test('a full resource name works as the ref, by project id or by number', async () => {
    await write(`projects/${PROJECT}/secrets/full`, 'one');
    const second = await write(`projects/${NUMBER}/secrets/full`, 'two');
    expect(second.versionId).toBe('2');
    expect((await provider.listVersions(`projects/${NUMBER}/secrets/full`)).map((v) => v.versionId)).toEqual(['2', '1']);
  });

  test('a regional connection writes regional secrets without a replication policy', async () => {
    const regional = new GcpSecretManagerProvider(
      { kind: 'gcp', projectId: PROJECT, location: 'europe-west1', endpoint: emu.endpoint },
      { timeoutMs: TIMEOUT_MS },
    );
    const written = await regional.writeValue({ ref: 'r', value: new SecretValue('v'), idempotencyToken: 't', labels: {} });
    expect(written).toMatchObject({ versionId: '1', createdSecret: true });
    const [secret] = await raw.getSecret({ name: `projects/${PROJECT}/locations/europe-west1/secrets/r` });
    expect(secret.name).toBe(`projects/${NUMBER}/locations/europe-west1/secrets/r`);
    expect(await provider.listVersions('r')).toEqual([]); // the global secret of that id does not exist
  });

  test('the create race: ALREADY_EXISTS means someone else created it, and the write proceeds', async () => {
    await write('race', 'theirs');
    emu.requests.length = 0;
    // Our first add sees NOT_FOUND (the other writer had not created it yet) ...
    emu.faults.add({ operation: 'AddSecretVersion', error: 'not_found', times: 1 });
    const written = await write('race', 'ours');
    // ... our create meets theirs, and our add lands on their secret.
    expect(written).toMatchObject({ versionId: '2', createdSecret: false });
    expect(emu.requests).toEqual(['AddSecretVersion', 'CreateSecret', 'AddSecretVersion']);
  });

  test('a value over 64 KiB is refused before anything is sent', async () => {
    const error = await rejection(write('big', 'x'.repeat(64 * 1024 + 1)));
    expect(error.code).toBe('invalid');
    expect(emu.requests).toEqual([]);
  });

  test('a ref that is neither a secret id nor a secret name is invalid', async () => {
    for (const ref of ['has space', 'projects/p/secrets/s/versions/1', 'projects/p/topics/t']) {
      expect((await rejection(write(ref, 'v'))).code).toBe('invalid');
    }
    expect(emu.requests).toEqual([]);
  });
});

describe('listVersions and setVersionEnabled', () => {
  test('a missing secret has no versions', async () => {
    expect(await provider.listVersions('never-written')).toEqual([]);
  });

  test('states across pages, newest first; disabling the newest leaves no version current', async () => {
    for (let i = 1; i <= 3; i++) await write('v', `value ${i}`);
    await provider.setVersionEnabled('v', '1', false);
    await raw.destroySecretVersion({ name: `projects/${PROJECT}/secrets/v/versions/2` });
    expect((await provider.listVersions('v')).map((v) => [v.versionId, v.state, v.current, v.labels])).toEqual([
      ['3', 'enabled', true, []],
      ['2', 'destroyed', false, []],
      ['1', 'disabled', false, []],
    ]);

    // GCP reads `latest`, the newest version, with no fallback: disabled newest = no current.
    await provider.setVersionEnabled('v', '3', false);
    const versions = await provider.listVersions('v');
    expect(versions.map((v) => [v.versionId, v.state, v.current])).toEqual([
      ['3', 'disabled', false],
      ['2', 'destroyed', false],
      ['1', 'disabled', false],
    ]);
    expect(versions.every((v) => v.createdAt instanceof Date)).toBe(true);

    await provider.setVersionEnabled('v', '3', true);
    await provider.setVersionEnabled('v', '1', true);
    expect((await provider.listVersions('v')).map((v) => [v.versionId, v.state, v.current])).toEqual([
      ['3', 'enabled', true],
      ['2', 'destroyed', false],
      ['1', 'enabled', false],
    ]);
  });

  test('listVersions follows every page', async () => {
    // The emulator's own page size is 25, so 30 versions take two pages.
    for (let i = 1; i <= 30; i++) await write('paged', `value ${i}`);
    emu.requests.length = 0;
    const versions = await provider.listVersions('paged');
    expect(versions.map((v) => Number(v.versionId))).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    expect(versions.filter((v) => v.current).map((v) => v.versionId)).toEqual(['30']);
    expect(emu.requests).toEqual(['ListSecretVersions', 'ListSecretVersions']);
  });

  test('enabling or disabling a destroyed version is a conflict that says it is destroyed', async () => {
    await write('d', 'value');
    await raw.destroySecretVersion({ name: `projects/${PROJECT}/secrets/d/versions/1` });
    for (const enabled of [true, false]) {
      const error = await rejection(provider.setVersionEnabled('d', '1', enabled));
      expect(error.code).toBe('conflict');
      expect(error.providerCode).toBe('FAILED_PRECONDITION');
      expect(error.message).toMatch(/destroyed/);
    }
  });

  test('a missing version is not_found; a non-numeric version id is invalid', async () => {
    await write('m', 'value');
    expect((await rejection(provider.setVersionEnabled('m', '7', false))).code).toBe('not_found');
    expect((await rejection(provider.setVersionEnabled('m', 'latest', false))).code).toBe('invalid');
  });

  test('moveLabel is unsupported: GCP uses version states', async () => {
    const error = await rejection(provider.moveLabel());
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/GCP uses version states/);
  });
});

describe('testConnection', () => {
  test('reaches the emulator with a one-item ListSecrets', async () => {
    expect(await provider.testConnection()).toEqual({ ok: true, detail: `Reached GCP Secret Manager for project ${PROJECT}` });
    expect(emu.requests).toEqual(['ListSecrets']);
  });

  test.each([
    ['permission_denied', 'permission_denied'],
    ['not_found', 'not_found'],
    ['throttled', 'throttled'],
    ['unavailable', 'unavailable'],
    ['internal', 'unavailable'],
    ['invalid', 'invalid'],
  ] as const)('a %s fault reports ok:false with code %s', async (fault, code) => {
    emu.faults.add({ operation: 'ListSecrets', error: fault });
    const result = await provider.testConnection();
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.message).not.toContain('Injected');
  });

  test('a dropped connection and a deadline report ok:false without throwing', async () => {
    emu.faults.add({ operation: 'ListSecrets', drop: true, times: 1 });
    expect(await provider.testConnection()).toMatchObject({ ok: false, code: 'unavailable' });
    emu.faults.add({ operation: 'ListSecrets', latencyMs: TIMEOUT_MS + 500, times: 1 });
    expect(await provider.testConnection()).toMatchObject({ ok: false, code: 'timeout' });
  });

  test('nothing listening, and a malformed endpoint, report ok:false', async () => {
    const closed = await startGcpSecretManagerEmulator();
    const port = closed.port;
    await closed.close();
    const unreachable = new GcpSecretManagerProvider(
      { kind: 'gcp', projectId: PROJECT, endpoint: `http://127.0.0.1:${port}` },
      { timeoutMs: TIMEOUT_MS },
    );
    expect(await unreachable.testConnection()).toMatchObject({ ok: false, code: 'unavailable' });
    const malformed = new GcpSecretManagerProvider({ kind: 'gcp', projectId: PROJECT, endpoint: 'ftp://x' }, { timeoutMs: TIMEOUT_MS });
    expect(await malformed.testConnection()).toMatchObject({ ok: false, code: 'invalid' });
    const noProject = new GcpSecretManagerProvider({ kind: 'gcp', projectId: '', endpoint: emu.endpoint }, { timeoutMs: TIMEOUT_MS });
    expect(await noProject.testConnection()).toMatchObject({ ok: false, code: 'invalid' });
    expect(emu.requests).toEqual([]);
  });
});

describe('faults on write', () => {
  const cases: [string, FaultError | 'drop' | 'latency', ProviderErrorCode, string][] = [
    ['permission_denied', 'permission_denied', 'permission_denied', 'PERMISSION_DENIED'],
    ['throttled', 'throttled', 'throttled', 'RESOURCE_EXHAUSTED'],
    ['unavailable', 'unavailable', 'unavailable', 'UNAVAILABLE'],
    ['internal', 'internal', 'unavailable', 'INTERNAL'],
    ['invalid', 'invalid', 'invalid', 'INVALID_ARGUMENT'],
    ['dropped connection', 'drop', 'unavailable', 'UNAVAILABLE'],
    ['latency beyond the deadline', 'latency', 'timeout', 'DEADLINE_EXCEEDED'],
  ];

  test.each(cases)('%s on AddSecretVersion → %s, no new version, no value in the error', async (_name, fault, code, providerCode) => {
    await write('f', 'existing value');
    emu.requests.length = 0;
    const value = uniqueValue();
    emu.faults.add({
      operation: 'AddSecretVersion',
      ...(fault === 'drop' ? { drop: true } : fault === 'latency' ? { latencyMs: TIMEOUT_MS + 500 } : { error: fault }),
    });
    const error = await rejection(write('f', value));
    expect(error.code).toBe(code);
    expect(error.providerCode).toBe(providerCode);
    expectNoValue(error, value);
    // Exactly one attempt: writes are never retried (a retry could add a second version).
    expect(emu.requests).toEqual(['AddSecretVersion']);

    if (fault === 'latency') await new Promise((resolve) => setTimeout(resolve, 700)); // let the delay run out
    emu.faults.clear();
    expect(emu.storedValues()).toEqual(['existing value']);
    expect((await provider.listVersions('f')).map((v) => v.versionId)).toEqual(['1']);
  });

  test('not_found everywhere: the add fails, the create fails, the error is not_found', async () => {
    const value = uniqueValue();
    emu.faults.add({ error: 'not_found' });
    const error = await rejection(write('nf', value));
    expect(error.code).toBe('not_found');
    expect(error.providerCode).toBe('NOT_FOUND');
    expectNoValue(error, value);
    expect(emu.requests).toEqual(['AddSecretVersion', 'CreateSecret']);
    expect(emu.secretIds()).toEqual([]);
    expect(emu.storedValues()).toEqual([]);
  });

  test.each(['permission_denied', 'throttled', 'unavailable'] as const)(
    '%s on CreateSecret: nothing is created and the error carries no value',
    async (fault) => {
      const value = uniqueValue();
      emu.faults.add({ operation: 'CreateSecret', error: fault });
      const error = await rejection(write('new-secret', value, { team: 'x' }));
      expect(error.code).toBe(fault);
      expectNoValue(error, value);
      expect(emu.secretIds()).toEqual([]);
      expect(emu.storedValues()).toEqual([]);
    },
  );

  test('the raw SDK error for the same fault does contain the value: the rewrite is what protects it', async () => {
    await write('f', 'existing value');
    const value = uniqueValue();
    emu.faults.add({ operation: 'AddSecretVersion', error: 'permission_denied', times: 1 });
    const sdkError = await raw
      .addSecretVersion({ parent: `projects/${PROJECT}/secrets/f`, payload: { data: Buffer.from(value) } })
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(sdkError?.message).toContain(value);
  });

  test('latency within the deadline only slows the write down', async () => {
    emu.faults.add({ operation: 'AddSecretVersion', latencyMs: 200 });
    expect(await write('slow', 'value')).toMatchObject({ versionId: '1', createdSecret: true });
  });
});
