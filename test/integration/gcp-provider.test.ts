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
import { rejectionOf } from '../support/errors';

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

/** Writes each value to `ref` in turn, so they become versions 1, 2, … (GCP numbers them). */
async function writeVersions(ref: string, ...values: string[]) {
  for (const value of values) await write(ref, value);
}

const rejection = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

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
    const unreachable = new GcpSecretManagerProvider({ kind: 'gcp', projectId: PROJECT, endpoint: `http://127.0.0.1:${port}` }, { timeoutMs: TIMEOUT_MS });
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
    const sdkError = await raw.addSecretVersion({ parent: `projects/${PROJECT}/secrets/f`, payload: { data: Buffer.from(value) } }).then(
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

// ---- rotation members ----------------------------------------------------------------------

const versionPath = (secret: string, v: string) => `projects/${PROJECT}/secrets/${secret}/versions/${v}`;
const statesOf = async (ref: string) => Object.fromEntries((await provider.listVersions(ref)).map((v) => [v.versionId, v.state]));

describe('staging and currentVersionId', () => {
  test('GCP has no staging: a pending write is current at once', async () => {
    expect(provider.supportsStaging).toBe(false);
    expect(await provider.currentVersionId('none-yet')).toBeNull();
    await write('st', uniqueValue());
    const value = uniqueValue();
    const pending = await provider.writeValue({
      ref: 'st',
      value: new SecretValue(value),
      idempotencyToken: crypto.randomUUID(),
      labels: {},
      stage: 'pending',
    });
    expect(pending.versionId).toBe('2');
    expect(await provider.currentVersionId('st')).toBe('2');
    expect((await provider.readValue('st')).reveal()).toBe(value);
  });

  test('no version is current when the newest is disabled (latest does not fall back)', async () => {
    await writeVersions('cv', uniqueValue(), uniqueValue());
    await raw.disableSecretVersion({ name: versionPath('cv', '2') });
    expect(await provider.currentVersionId('cv')).toBeNull();
  });
});

describe('promote', () => {
  test('the newest enabled version: nothing to do, twice', async () => {
    await writeVersions('pr', uniqueValue(), uniqueValue());
    emu.requests.length = 0;
    await provider.promote('pr', '2');
    await provider.promote('pr', '2');
    expect(emu.requests).toEqual(['ListSecretVersions', 'ListSecretVersions']);
    expect(await statesOf('pr')).toEqual({ '1': 'enabled', '2': 'enabled' });
  });

  test('the newest but disabled: enabled again', async () => {
    await writeVersions('pr2', uniqueValue(), uniqueValue());
    await raw.disableSecretVersion({ name: versionPath('pr2', '2') });
    await provider.promote('pr2', '2');
    await provider.promote('pr2', '2');
    expect(await provider.currentVersionId('pr2')).toBe('2');
  });

  test('not the newest or destroyed: a conflict, changing nothing; no secret: not_found', async () => {
    await writeVersions('pr3', uniqueValue(), uniqueValue());
    expect((await rejection(provider.promote('pr3', '1'))).code).toBe('conflict');
    await raw.destroySecretVersion({ name: versionPath('pr3', '2') });
    expect((await rejection(provider.promote('pr3', '2'))).code).toBe('conflict');
    expect((await rejection(provider.promote('pr3-none', '1'))).code).toBe('not_found');
    expect(await statesOf('pr3')).toEqual({ '1': 'enabled', '2': 'destroyed' });
  });
});

describe('retire', () => {
  test('disables the old version; twice is fine, and a destroyed one counts as retired', async () => {
    await writeVersions('rt', uniqueValue(), uniqueValue(), uniqueValue());
    await provider.retire('rt', '1');
    await provider.retire('rt', '1');
    await raw.destroySecretVersion({ name: versionPath('rt', '2') });
    await provider.retire('rt', '2');
    expect(await statesOf('rt')).toEqual({ '1': 'disabled', '2': 'destroyed', '3': 'enabled' });
  });

  test('refuses the current version and reports an unknown one as not_found', async () => {
    await write('rt2', uniqueValue());
    expect((await rejection(provider.retire('rt2', '1'))).code).toBe('conflict');
    expect((await rejection(provider.retire('rt2', '7'))).code).toBe('not_found');
    expect(await statesOf('rt2')).toEqual({ '1': 'enabled' });
  });
});

describe('rollback', () => {
  test('adds the previous value again as the newest version and disables the failed one; twice adds nothing more', async () => {
    const previous = uniqueValue();
    const failed = uniqueValue();
    await writeVersions('rb', previous, failed);
    const token = crypto.randomUUID();
    expect(await provider.rollback('rb', '1', '2', token)).toEqual({ currentVersionId: '3' });
    expect(await statesOf('rb')).toEqual({ '1': 'enabled', '2': 'disabled', '3': 'enabled' });
    expect((await provider.readValue('rb')).reveal()).toBe(previous);
    expect(await provider.rollback('rb', '1', '2', token)).toEqual({ currentVersionId: '3' });
    expect(await statesOf('rb')).toEqual({ '1': 'enabled', '2': 'disabled', '3': 'enabled' });
    expect(emu.storedValues()).toEqual([previous, failed, previous]);
  });

  test('finishes a rollback that stopped after the re-add (the failed version still enabled)', async () => {
    const previous = uniqueValue();
    await writeVersions('rb2', previous, uniqueValue());
    await write('rb2', previous); // what the interrupted attempt had added
    expect(await provider.rollback('rb2', '1', '2', crypto.randomUUID())).toEqual({ currentVersionId: '3' });
    expect(await statesOf('rb2')).toEqual({ '1': 'enabled', '2': 'disabled', '3': 'enabled' });
  });

  test('refuses when someone wrote another value after the rotation, or the previous version is gone', async () => {
    await writeVersions('rb3', uniqueValue(), uniqueValue(), uniqueValue());
    const moved = await rejection(provider.rollback('rb3', '1', '2', crypto.randomUUID()));
    expect(moved.code).toBe('conflict');
    expect(moved.message).toMatch(/newer version/);
    expect(await statesOf('rb3')).toEqual({ '1': 'enabled', '2': 'enabled', '3': 'enabled' });

    await writeVersions('rb4', uniqueValue(), uniqueValue());
    await raw.disableSecretVersion({ name: versionPath('rb4', '1') });
    const gone = await rejection(provider.rollback('rb4', '1', '2', crypto.randomUUID()));
    expect(gone.code).toBe('conflict');
    expect(gone.message).toMatch(/grace period is over/);
    expect(await statesOf('rb4')).toEqual({ '1': 'disabled', '2': 'enabled' });
  });
});

describe('readValue', () => {
  test('reads latest or a given version into a SecretValue that prints as [redacted]', async () => {
    const first = uniqueValue();
    const second = uniqueValue();
    await writeVersions('rd', first, second);
    const latest = await provider.readValue('rd');
    expect(latest).toBeInstanceOf(SecretValue);
    expect(latest.reveal()).toBe(second);
    expect((await provider.readValue('rd', '1')).reveal()).toBe(first);
    for (const text of [String(latest), `${latest}`, JSON.stringify({ latest }), inspect(latest), inspect({ latest }, { depth: 5 })]) {
      expect(text).toContain('[redacted]');
      expect(text).not.toContain(second);
    }
  });

  test('a disabled version is a conflict, a missing one not_found, a bad id invalid, faults without the value', async () => {
    const value = uniqueValue();
    await writeVersions('rd2', value, uniqueValue());
    await raw.disableSecretVersion({ name: versionPath('rd2', '1') });
    const disabled = await rejection(provider.readValue('rd2', '1'));
    expect(disabled.code).toBe('conflict');
    expect(disabled.message).toMatch(/disabled or destroyed/);
    expect((await rejection(provider.readValue('rd2', '9'))).code).toBe('not_found');
    expect((await rejection(provider.readValue('rd2', 'abc'))).code).toBe('invalid');
    emu.faults.add({ operation: 'AccessSecretVersion', error: 'permission_denied' });
    const denied = await rejection(provider.readValue('rd2'));
    expect(denied.code).toBe('permission_denied');
    expectNoValue(denied, value);
  });
});

describe('native rotation', () => {
  test('is unsupported on GCP, with a message that says what to use instead', async () => {
    for (const call of [provider.startNativeRotation(), provider.nativeRotationStatus()]) {
      const error = await rejection(call);
      expect(error.code).toBe('unsupported');
      expect(error.message).toMatch(/generated or PostgreSQL/);
    }
  });
});
