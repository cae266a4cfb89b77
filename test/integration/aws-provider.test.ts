// The AWS adapter against the emulator with the real SDK: writes are idempotent by token,
// versions and labels read back right, and every failure (including injected faults,
// deadlines and dropped connections) ends as a ProviderError that never carries the value.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsSecretsManagerProvider } from '@/lib/providers/aws';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import { REDACTED, SecretValue } from '@/lib/secret-value';
import type { FaultError, FaultRule } from '../emulators/faults';
import { type AwsSecretsManagerEmulator, startAwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { secretsManagerClient } from '../support/aws-client';
import { rejectionOf } from '../support/errors';

const REGION = 'eu-west-1';
let emulator: AwsSecretsManagerEmulator;
let sm: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startAwsSecretsManagerEmulator();
  sm = secretsManagerClient(emulator, REGION);
});
afterAll(async () => {
  sm.destroy();
  await emulator.close();
});
beforeEach(() => emulator.reset());

function provider(options: { timeoutMs?: number; maxAttempts?: number; endpoint?: string } = {}) {
  return new AwsSecretsManagerProvider(
    { kind: 'aws', region: REGION, endpoint: options.endpoint ?? emulator.endpoint },
    { timeoutMs: options.timeoutMs ?? 5_000, maxAttempts: options.maxAttempts ?? 1 },
  );
}

/** A test that the emulator's `error` on `operation` reaches the caller of `call` as a ProviderError of the same code. */
function itMapsAFaultToAProviderError(operation: string, error: FaultError & ProviderErrorCode, call: (p: AwsSecretsManagerProvider) => Promise<unknown>) {
  it('maps a failure to a ProviderError', async () => {
    emulator.faults.add({ operation, error });
    expect((await failure(call(provider()))).code).toBe(error);
  });
}

const canary = () => `canary-${randomUUID()}`;

function write(p: AwsSecretsManagerProvider, ref: string, value: string, token = randomUUID(), labels: Record<string, string> = {}) {
  return p.writeValue({ ref, value: new SecretValue(value), idempotencyToken: token, labels, description: 'Written by the dashboard' });
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

/** The value must not appear anywhere an error can travel: message, stack, JSON, inspect. */
function expectNoValue(error: ProviderError, value: string) {
  for (const text of [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 }), String(error.providerCode)]) {
    expect(text).not.toContain(value);
  }
}

const versionCount = (name: string) => emulator.describe(name)?.versions.length ?? 0;

describe('writeValue', () => {
  it('creates the secret on the first write, with sanitised tags, the description and AWSCURRENT', async () => {
    const token = randomUUID();
    const value = canary();
    const written = await write(provider(), 'team/payments/db', value, token, {
      owner: 'payments team',
      'cost#center': 'cc/42',
      'aws:reserved': 'x',
    });
    expect(written).toEqual({ versionId: token, createdAt: expect.any(Date), createdSecret: true });
    expect(emulator.requests).toEqual(['PutSecretValue', 'CreateSecret']);
    const secret = emulator.describe('team/payments/db')!;
    expect(secret.description).toBe('Written by the dashboard');
    expect(secret.tags).toEqual([
      { Key: 'owner', Value: 'payments team' },
      { Key: 'cost_center', Value: 'cc/42' },
      { Key: '_aws:reserved', Value: 'x' },
    ]);
    expect(secret.versions).toEqual([{ versionId: token, stages: ['AWSCURRENT'], createdAt: expect.any(Date) }]);
    expect(emulator.storedValues()).toEqual([value]);
  });

  it('adds a version on the next write: AWSCURRENT moves to it and the old one becomes AWSPREVIOUS', async () => {
    const p = provider();
    const first = await write(p, 'app/key', canary());
    const second = await write(p, 'app/key', canary());
    expect(second.createdSecret).toBe(false);
    expect(emulator.requests).toEqual(['PutSecretValue', 'CreateSecret', 'PutSecretValue']);
    expect(emulator.describe('app/key')!.versions.map((v) => [v.versionId, v.stages])).toEqual([
      [first.versionId, ['AWSPREVIOUS']],
      [second.versionId, ['AWSCURRENT']],
    ]);
  });

  it('creates no second version when a write is retried with the same token, even with a different value', async () => {
    const p = provider();
    const token = randomUUID();
    const value = canary();
    await write(p, 'retry/me', value, token);
    const repeat = await write(p, 'retry/me', value, token);
    expect(repeat).toMatchObject({ versionId: token, createdSecret: false });
    const other = canary();
    const clash = await write(p, 'retry/me', other, token);
    expect(clash).toMatchObject({ versionId: token, createdSecret: false });
    expect(versionCount('retry/me')).toBe(1);
    expect(emulator.storedValues()).toEqual([value]);
  });

  it('writes through a full or partial ARN of an existing secret', async () => {
    const p = provider();
    await write(p, 'by/arn', canary());
    const arn = emulator.describe('by/arn')!.arn;
    await write(p, arn, canary());
    await write(p, arn.slice(0, -7), canary());
    expect(versionCount('by/arn')).toBe(3);
  });

  it('refuses to create a secret from an ARN that does not exist', async () => {
    const value = canary();
    const error = await failure(write(provider(), `arn:aws:secretsmanager:${REGION}:123456789012:secret:missing-AbCdEf`, value));
    expect(error.code).toBe('not_found');
    expect(error.message).toMatch(/creates secrets by name only/);
    expectNoValue(error, value);
    expect(emulator.secretNames()).toEqual([]);
  });

  it('adds the version when the secret appears between the failed put and the create (create race)', async () => {
    const p = provider();
    await write(p, 'race', canary());
    emulator.requests.length = 0;
    // The first put sees no secret; the create then finds it exists; the second put lands.
    emulator.faults.add({ operation: 'PutSecretValue', error: 'not_found', times: 1 });
    const token = randomUUID();
    const written = await write(p, 'race', canary(), token);
    expect(written).toMatchObject({ versionId: token, createdSecret: false });
    expect(emulator.requests).toEqual(['PutSecretValue', 'CreateSecret', 'PutSecretValue']);
    expect(emulator.describe('race')!.versions.find((v) => v.versionId === token)!.stages).toEqual(['AWSCURRENT']);
  });

  it('returns the token version when the create path meets a token that already wrote a different value', async () => {
    const p = provider();
    const token = randomUUID();
    await write(p, 'race2', canary(), token);
    emulator.faults.add({ operation: 'PutSecretValue', error: 'not_found', times: 1 });
    const written = await write(p, 'race2', canary(), token);
    expect(written).toMatchObject({ versionId: token, createdSecret: false });
    expect(versionCount('race2')).toBe(1);
  });

  it('reports a secret scheduled for deletion as a conflict that says so', async () => {
    const p = provider();
    await write(p, 'doomed', canary());
    await sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));
    const value = canary();
    const error = await failure(write(p, 'doomed', value));
    expect(error.code).toBe('conflict');
    expect(error.providerCode).toBe('InvalidRequestException');
    expect(error.message).toMatch(/scheduled for deletion/);
    expectNoValue(error, value);
    expect(versionCount('doomed')).toBe(1);
  });

  it('reports a value over 64 KiB as invalid without echoing it', async () => {
    const p = provider();
    await write(p, 'big', canary());
    const value = `${canary()}${'x'.repeat(65_536)}`;
    const error = await failure(write(p, 'big', value));
    expect(error.code).toBe('invalid');
    expect(error.providerCode).toBe('ValidationException');
    expectNoValue(error, value.slice(0, 44));
  });
});

describe('faults become ProviderErrors without the value, and leave no version behind', () => {
  const cases: [string, FaultRule, ProviderErrorCode, string, { timeoutMs?: number; maxAttempts?: number }?][] = [
    ['not_found', { error: 'not_found' }, 'not_found', 'ResourceNotFoundException'],
    ['permission_denied', { error: 'permission_denied' }, 'permission_denied', 'AccessDeniedException'],
    ['throttled', { error: 'throttled' }, 'throttled', 'ThrottlingException'],
    ['unavailable (503)', { error: 'unavailable' }, 'unavailable', 'ServiceUnavailable', { maxAttempts: 2 }],
    ['internal (500)', { error: 'internal' }, 'unavailable', 'InternalServiceError', { maxAttempts: 2 }],
    ['invalid', { error: 'invalid' }, 'invalid', 'InvalidParameterException'],
    ['latency beyond the deadline', { latencyMs: 1_000 }, 'timeout', 'AbortError', { timeoutMs: 200, maxAttempts: 3 }],
    ['dropped connection', { drop: true }, 'unavailable', 'ECONNRESET', { maxAttempts: 2 }],
  ];

  for (const [label, rule, code, providerCode, options] of cases) {
    it(`${label} -> ${code}`, async () => {
      const p = provider(options);
      await write(p, 'faulted', canary());
      emulator.faults.add(rule);
      const value = canary();
      const error = await failure(write(p, 'faulted', value));
      expect(error.code).toBe(code);
      expect(error.providerCode).toBe(providerCode);
      expectNoValue(error, value);
      // Let a request the client gave up on (latency case) finish inside the emulator first.
      await emulator.settled();
      emulator.faults.clear();
      expect(versionCount('faulted')).toBe(1);
      expect(emulator.storedValues()).not.toContain(value);
    });
  }

  it('still ends a throttled write as a ProviderError after the default SDK retries (3 attempts)', async () => {
    const p = new AwsSecretsManagerProvider({ kind: 'aws', region: REGION, endpoint: emulator.endpoint }, { timeoutMs: 10_000 });
    await write(p, 'throttled', canary());
    emulator.requests.length = 0;
    emulator.faults.add({ error: 'throttled' });
    const error = await failure(write(p, 'throttled', canary()));
    expect(error.code).toBe('throttled');
    expect(emulator.requests).toEqual(['PutSecretValue', 'PutSecretValue', 'PutSecretValue']);
  });

  it('treats an unreachable endpoint as unavailable', async () => {
    const closed = await startAwsSecretsManagerEmulator();
    const endpoint = closed.endpoint;
    await closed.close();
    const error = await failure(write(provider({ endpoint }), 'nowhere', canary()));
    expect(error.code).toBe('unavailable');
    expect(error.providerCode).toBe('ECONNREFUSED');
  });
});

describe('listVersions', () => {
  it('lists every version newest first, labelled ones enabled, the rest deprecated, across pages', async () => {
    const p = provider();
    const ids: string[] = [];
    for (let i = 0; i < 103; i++) ids.push((await write(p, 'paged', `v${i}`)).versionId);
    const versions = await p.listVersions('paged');
    expect(versions.map((v) => v.versionId)).toEqual([...ids].reverse());
    expect(versions[0]).toEqual({ versionId: ids[102], createdAt: expect.any(Date), labels: ['AWSCURRENT'], state: 'enabled', current: true });
    expect(versions[1]).toMatchObject({ labels: ['AWSPREVIOUS'], state: 'enabled', current: false });
    expect(versions[2]).toMatchObject({ labels: [], state: 'deprecated', current: false });
    expect(emulator.requests.filter((r) => r === 'ListSecretVersionIds')).toHaveLength(2);
  });

  it('returns an empty list for a secret that does not exist yet', async () => {
    expect(await provider().listVersions('not/yet')).toEqual([]);
  });

  itMapsAFaultToAProviderError('ListSecretVersionIds', 'permission_denied', (p) => p.listVersions('x'));
});

describe('labels', () => {
  it('moves AWSCURRENT onto the pending version: it keeps AWSPENDING and the old current becomes AWSPREVIOUS', async () => {
    const p = provider();
    const v1 = (await write(p, 'rotating', canary())).versionId;
    const pending = (
      await sm.send(
        new PutSecretValueCommand({ SecretId: 'rotating', SecretString: canary(), ClientRequestToken: randomUUID(), VersionStages: ['AWSPENDING'] }),
      )
    ).VersionId!;
    await p.moveLabel('rotating', 'AWSCURRENT', pending);
    const versions = await p.listVersions('rotating');
    expect(versions.find((v) => v.versionId === pending)).toMatchObject({ current: true, labels: expect.arrayContaining(['AWSCURRENT', 'AWSPENDING']) });
    expect(versions.find((v) => v.versionId === v1)).toMatchObject({ current: false, labels: ['AWSPREVIOUS'] });
    // Moving it back is a plain move too; moving onto the holder is a no-op.
    await p.moveLabel('rotating', 'AWSCURRENT', v1);
    await p.moveLabel('rotating', 'AWSCURRENT', v1);
    expect((await p.listVersions('rotating')).find((v) => v.current)!.versionId).toBe(v1);
  });

  it('attaches a label nobody holds, and reports an unknown version as a conflict', async () => {
    const p = provider();
    const v1 = (await write(p, 'custom', canary())).versionId;
    await p.moveLabel('custom', 'BLUE', v1);
    expect(emulator.describe('custom')!.versions[0].stages).toEqual(['AWSCURRENT', 'BLUE']);
    const error = await failure(p.moveLabel('custom', 'AWSCURRENT', randomUUID()));
    expect(error.code).toBe('conflict');
  });

  it('reports a missing secret as not_found', async () => {
    expect((await failure(provider().moveLabel('absent', 'AWSCURRENT', randomUUID()))).code).toBe('not_found');
  });

  it('does not enable or disable versions: AWS uses staging labels', async () => {
    const error = await failure(provider().setVersionEnabled());
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/AWS uses staging labels/);
  });
});

describe('testConnection', () => {
  it('reaches the service and names the region', async () => {
    expect(await provider().testConnection()).toEqual({ ok: true, detail: `Reached AWS Secrets Manager in ${REGION}` });
    expect(emulator.requests).toEqual(['ListSecrets']);
  });

  const failures: [FaultRule, ProviderErrorCode, { timeoutMs?: number; maxAttempts?: number }?][] = [
    [{ error: 'permission_denied' }, 'permission_denied'],
    [{ error: 'throttled' }, 'throttled'],
    [{ error: 'unavailable' }, 'unavailable'],
    [{ error: 'internal' }, 'unavailable'],
    [{ error: 'invalid' }, 'invalid'],
    [{ latencyMs: 1_000 }, 'timeout', { timeoutMs: 200 }],
    [{ drop: true }, 'unavailable'],
  ];
  for (const [rule, code, options] of failures) {
    it(`answers ${JSON.stringify(rule)} with ok:false ${code} instead of throwing`, async () => {
      emulator.faults.add({ operation: 'ListSecrets', ...rule });
      const result = await provider(options).testConnection();
      expect(result).toEqual({ ok: false, code, message: expect.any(String) });
      expect(result.ok === false && result.message).not.toMatch(/injected fault/);
    });
  }
});

// ---- rotation members ----------------------------------------------------------------------

const stagesOf = (name: string) => Object.fromEntries(emulator.describe(name)!.versions.map((v) => [v.versionId, v.stages]));

function writePending(p: AwsSecretsManagerProvider, ref: string, value: string, token = randomUUID()) {
  return p.writeValue({ ref, value: new SecretValue(value), idempotencyToken: token, labels: {}, stage: 'pending' });
}

/** A secret with a current version and a pending one, as a rotation leaves it before promotion. */
async function rotating(p: AwsSecretsManagerProvider, ref: string) {
  const oldValue = canary();
  const newValue = canary();
  const v1 = (await write(p, ref, oldValue)).versionId;
  const v2 = (await writePending(p, ref, newValue)).versionId;
  return { v1, v2, oldValue, newValue };
}

describe('staging (writeValue with stage pending)', () => {
  it('writes AWSPENDING next to the current version: plain reads keep returning the old value', async () => {
    const p = provider();
    expect(p.supportsStaging).toBe(true);
    const { v1, v2, oldValue, newValue } = await rotating(p, 'stage/db');
    expect(stagesOf('stage/db')).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPENDING'] });
    expect(await p.currentVersionId('stage/db')).toBe(v1);
    expect((await p.readValue('stage/db')).reveal()).toBe(oldValue);
    expect((await p.readValue('stage/db', v2)).reveal()).toBe(newValue);
  });

  it('repeats a pending write with the same token without a second version', async () => {
    const p = provider();
    await write(p, 'stage/retry', canary());
    const token = randomUUID();
    const value = canary();
    const first = await writePending(p, 'stage/retry', value, token);
    const again = await writePending(p, 'stage/retry', value, token);
    expect(again.versionId).toBe(first.versionId);
    expect(versionCount('stage/retry')).toBe(2);
    expect(stagesOf('stage/retry')[token]).toEqual(['AWSPENDING']);
  });

  it("makes a new secret's first version current even when written as pending (AWS always does)", async () => {
    const p = provider();
    const written = await writePending(p, 'stage/new', canary());
    expect(written.createdSecret).toBe(true);
    expect(await p.currentVersionId('stage/new')).toBe(written.versionId);
    // Promoting it is then a no-op.
    await p.promote('stage/new', written.versionId);
    expect(stagesOf('stage/new')).toEqual({ [written.versionId]: ['AWSCURRENT'] });
  });
});

describe('currentVersionId', () => {
  it('is the AWSCURRENT version, or null when the secret does not exist', async () => {
    const p = provider();
    expect(await p.currentVersionId('none/yet')).toBeNull();
    const v1 = (await write(p, 'cur', canary())).versionId;
    expect(await p.currentVersionId('cur')).toBe(v1);
  });

  itMapsAFaultToAProviderError('DescribeSecret', 'throttled', (p) => p.currentVersionId('x'));
});

describe('promote', () => {
  it('moves AWSCURRENT onto the pending version (AWSPREVIOUS follows) and drops AWSPENDING; twice is a no-op', async () => {
    const p = provider();
    const { v1, v2, newValue } = await rotating(p, 'prom/db');
    await p.promote('prom/db', v2);
    expect(stagesOf('prom/db')).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
    expect((await p.readValue('prom/db')).reveal()).toBe(newValue);
    emulator.requests.length = 0;
    await p.promote('prom/db', v2);
    expect(emulator.requests).toEqual(['DescribeSecret']);
    expect(stagesOf('prom/db')).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
  });

  it('finishes a promotion that stopped after moving AWSCURRENT (a crash between the two calls)', async () => {
    const p = provider();
    const { v1, v2 } = await rotating(p, 'prom/half');
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'prom/half', VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 }));
    expect(stagesOf('prom/half')[v2]).toEqual(['AWSPENDING', 'AWSCURRENT']);
    await p.promote('prom/half', v2);
    expect(stagesOf('prom/half')).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
  });

  it('refuses a version that is no longer pending (superseded or abandoned) or unknown, changing nothing', async () => {
    const p = provider();
    const { v1, v2 } = await rotating(p, 'prom/stale');
    await p.promote('prom/stale', v2);
    // v1 now holds only AWSPREVIOUS: promoting it again would undo the rotation.
    const superseded = await failure(p.promote('prom/stale', v1));
    expect(superseded.code).toBe('conflict');
    expect(await p.currentVersionId('prom/stale')).toBe(v2);
    expect((await failure(p.promote('prom/stale', randomUUID()))).code).toBe('conflict');
    expect((await failure(p.promote('prom/absent', randomUUID()))).code).toBe('not_found');
  });
});

describe('retire', () => {
  it('takes AWSPREVIOUS (and custom labels) off the old version so it is deprecated; twice is fine', async () => {
    const p = provider();
    const { v1, v2 } = await rotating(p, 'ret/db');
    await p.promote('ret/db', v2);
    await p.moveLabel('ret/db', 'BLUE', v1);
    await p.retire('ret/db', v1);
    expect(stagesOf('ret/db')).toEqual({ [v1]: [], [v2]: ['AWSCURRENT'] });
    expect((await p.listVersions('ret/db')).find((v) => v.versionId === v1)).toMatchObject({ state: 'deprecated', current: false });
    await p.retire('ret/db', v1);
    expect(stagesOf('ret/db')).toEqual({ [v1]: [], [v2]: ['AWSCURRENT'] });
  });

  it('refuses to retire the current version', async () => {
    const p = provider();
    const v1 = (await write(p, 'ret/cur', canary())).versionId;
    const error = await failure(p.retire('ret/cur', v1));
    expect(error.code).toBe('conflict');
    expect(stagesOf('ret/cur')).toEqual({ [v1]: ['AWSCURRENT'] });
  });
});

describe('rollback', () => {
  it('moves AWSCURRENT back to the previous version and retires the failed one; twice gives the same state', async () => {
    const p = provider();
    const { v1, v2, oldValue } = await rotating(p, 'rb/db');
    await p.promote('rb/db', v2);
    const token = randomUUID();
    expect(await p.rollback('rb/db', v1, v2, token)).toEqual({ currentVersionId: v1 });
    expect(stagesOf('rb/db')).toEqual({ [v1]: ['AWSCURRENT'], [v2]: [] });
    expect((await p.readValue('rb/db')).reveal()).toBe(oldValue);
    expect(await p.rollback('rb/db', v1, v2, token)).toEqual({ currentVersionId: v1 });
    expect(stagesOf('rb/db')).toEqual({ [v1]: ['AWSCURRENT'], [v2]: [] });
    expect(versionCount('rb/db')).toBe(2);
  });

  it('finishes a rollback that stopped after moving AWSCURRENT back', async () => {
    const p = provider();
    const { v1, v2 } = await rotating(p, 'rb/half');
    await p.promote('rb/half', v2);
    await p.moveLabel('rb/half', 'AWSCURRENT', v1);
    expect(stagesOf('rb/half')[v2]).toEqual(['AWSPREVIOUS']);
    expect(await p.rollback('rb/half', v1, v2, randomUUID())).toEqual({ currentVersionId: v1 });
    expect(stagesOf('rb/half')).toEqual({ [v1]: ['AWSCURRENT'], [v2]: [] });
  });

  it('refuses when a newer version became current after the rotation', async () => {
    const p = provider();
    const { v1, v2 } = await rotating(p, 'rb/moved');
    await p.promote('rb/moved', v2);
    const v3 = (await write(p, 'rb/moved', canary())).versionId;
    const error = await failure(p.rollback('rb/moved', v1, v2, randomUUID()));
    expect(error.code).toBe('conflict');
    expect(await p.currentVersionId('rb/moved')).toBe(v3);
  });
});

describe('readValue', () => {
  it('reads the current value or a given version, wrapped so that it prints as [redacted]', async () => {
    const p = provider();
    const { v2, oldValue, newValue } = await rotating(p, 'read/db');
    const current = await p.readValue('read/db');
    expect(current).toBeInstanceOf(SecretValue);
    expect(current.reveal()).toBe(oldValue);
    expect((await p.readValue('read/db', v2)).reveal()).toBe(newValue);
    for (const text of [String(current), `${current}`, JSON.stringify({ current }), inspect(current), inspect({ current }, { depth: 5 })]) {
      expect(text).toContain(REDACTED);
      expect(text).not.toContain(oldValue);
    }
  });

  it('reports an unknown version or secret as not_found, a binary secret as unsupported, faults without the value', async () => {
    const p = provider();
    const value = canary();
    await write(p, 'read/x', value);
    expect((await failure(p.readValue('read/x', randomUUID()))).code).toBe('not_found');
    expect((await failure(p.readValue('read/none'))).code).toBe('not_found');
    await sm.send(new CreateSecretCommand({ Name: 'read/bin', SecretBinary: Buffer.from([1, 2, 3]), ClientRequestToken: randomUUID() }));
    expect((await failure(p.readValue('read/bin'))).code).toBe('unsupported');
    emulator.faults.add({ operation: 'GetSecretValue', error: 'permission_denied' });
    const error = await failure(p.readValue('read/x'));
    expect(error.code).toBe('permission_denied');
    expectNoValue(error, value);
  });
});

describe('native rotation (RotateSecret with a simulated Lambda)', () => {
  const LAMBDA = `arn:aws:lambda:${REGION}:123456789012:function:rotate`;

  it('starts the rotation with the token as version id, reports in_progress, then completed with a new current value', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed', delayMs: 60_000 });
    const p = provider();
    const value = canary();
    const v1 = (await write(p, 'native/ok', value)).versionId;
    const token = randomUUID();
    expect(await p.startNativeRotation('native/ok', token, LAMBDA)).toEqual({ versionId: token });
    expect(await p.nativeRotationStatus('native/ok', token)).toBe('in_progress');
    // Re-run with the same token: the same version, no second rotation.
    expect(await p.startNativeRotation('native/ok', token, LAMBDA)).toEqual({ versionId: token });
    expect(emulator.rotationInvocations()).toHaveLength(1);

    emulator.flushRotations();
    await emulator.rotationsSettled();
    expect(await p.nativeRotationStatus('native/ok', token)).toBe('completed');
    expect(await p.nativeRotationStatus('native/ok', token)).toBe('completed');
    expect(await p.currentVersionId('native/ok')).toBe(token);
    expect(stagesOf('native/ok')).toEqual({ [v1]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
    expect((await p.readValue('native/ok')).reveal()).not.toBe(value);
    // After completion a re-run still reports the version and starts nothing.
    expect(await p.startNativeRotation('native/ok', token, LAMBDA)).toEqual({ versionId: token });
    expect(emulator.rotationInvocations()).toHaveLength(1);
    // Later rotations use the Lambda configured by the first.
    const next = randomUUID();
    expect(await p.startNativeRotation('native/ok', next)).toEqual({ versionId: next });
    emulator.flushRotations();
    await emulator.rotationsSettled();
    expect(await p.nativeRotationStatus('native/ok', next)).toBe('completed');
    expect(await p.nativeRotationStatus('native/ok', token)).toBe('completed');
  });

  it('reports failed when the Lambda gives up, keeps the old value current, and a re-run starts nothing', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'fail' });
    const p = provider();
    const value = canary();
    const v1 = (await write(p, 'native/fail', value)).versionId;
    const token = randomUUID();
    await p.startNativeRotation('native/fail', token, LAMBDA);
    await emulator.rotationsSettled();
    expect(await p.nativeRotationStatus('native/fail', token)).toBe('failed');
    expect(await p.currentVersionId('native/fail')).toBe(v1);
    expect((await p.readValue('native/fail')).reveal()).toBe(value);
    expect(await p.startNativeRotation('native/fail', token, LAMBDA)).toEqual({ versionId: token });
    expect(emulator.rotationInvocations()).toHaveLength(1);
  });

  it('refuses a second rotation while one is in progress, one without a Lambda, and an unknown Lambda', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed', delayMs: 60_000 });
    const p = provider();
    await write(p, 'native/busy', canary());
    const none = await failure(p.startNativeRotation('native/busy', randomUUID()));
    expect(none.code).toBe('invalid');
    expect(none.message).toMatch(/no rotation Lambda/);
    const denied = await failure(p.startNativeRotation('native/busy', randomUUID(), `${LAMBDA}-missing`));
    expect(denied.code).toBe('permission_denied');
    await p.startNativeRotation('native/busy', randomUUID(), LAMBDA);
    const busy = await failure(p.startNativeRotation('native/busy', randomUUID(), LAMBDA));
    expect(busy.code).toBe('conflict');
    expect(busy.message).toMatch(/in progress/);
    expect(emulator.rotationInvocations()).toHaveLength(1);
    expect((await failure(p.startNativeRotation('native/absent', randomUUID(), LAMBDA))).code).toBe('not_found');
  });

  it('reports the version when a crash lost the answer to an earlier RotateSecret with the same token', async () => {
    emulator.setRotationLambda(LAMBDA, { outcome: 'succeed', delayMs: 60_000 });
    const p = provider();
    await write(p, 'native/lost', canary());
    const token = randomUUID();
    // The earlier attempt reached AWS; whoever sent it never saw the answer.
    await sm.send(new RotateSecretCommand({ SecretId: 'native/lost', ClientRequestToken: token, RotationLambdaARN: LAMBDA }));
    emulator.requests.length = 0;
    expect(await p.startNativeRotation('native/lost', token, LAMBDA)).toEqual({ versionId: token });
    expect(emulator.requests).not.toContain('RotateSecret');
    expect(emulator.rotationInvocations()).toHaveLength(1);
  });
});
