// Value writes through the data layer to the cloud emulators, with the real SDKs: what
// the provider ends up holding, labels/states after each step, and that failures and
// lost answers leave the inventory consistent with the provider (no version row for a
// failed write, one version for a retried submit).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { changeSecretVersion, listSecretVersions, writeSecretValue } from '@/lib/data/secret-values';
import { ProviderError } from '@/lib/providers/errors';
import { closeGcpClients, gcpClient } from '@/lib/providers/gcp-client';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';
import { auditEventsFor, callerAs, seedConnectedSecret, seedConnection, joinOwningTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const enter = () => ({ mode: 'enter', note: '', idempotencyToken: randomUUID() });
const canary = () => `canary-${randomUUID()}`;

/** An engineer of the team that owns the secret, so allowed to write its values. */
async function engineerOwning(secret: { id: string }) {
  const engineer = await callerAs('engineer');
  await joinOwningTeam(engineer, secret.id);
  return engineer;
}

describe('AWS Secrets Manager', () => {
  let aws: AwsSecretsManagerEmulator;
  beforeAll(async () => {
    aws = await startAwsSecretsManagerEmulator();
  });
  afterAll(() => aws.close());
  beforeEach(() => aws.faults.clear());

  const awsSecret = async () => {
    const connection = await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint });
    return seedConnectedSecret(connection.id);
  };

  it('creates the secret with owner/environment/managed-by tags, then moves AWSCURRENT and AWSPREVIOUS', async () => {
    const secret = await awsSecret();
    const engineer = await engineerOwning(secret);
    const first = canary();
    const second = canary();
    const v1 = await writeSecretValue(engineer, secret.id, enter(), first);
    const v2 = await writeSecretValue(engineer, secret.id, enter(), second);

    const described = aws.describe(secret.providerRef)!;
    expect(Object.fromEntries(described.tags.map((t) => [t.Key, t.Value]))).toMatchObject({ environment: 'production', 'managed-by': 'secret-inventory' });
    expect(aws.storedValues()).toEqual(expect.arrayContaining([first, second]));
    const versions = (await listSecretVersions(engineer, secret.id)).versions;
    expect(versions.map((v) => [v.versionId, v.labels])).toEqual([
      [v2.versionId, ['AWSCURRENT']],
      [v1.versionId, ['AWSPREVIOUS']],
    ]);

    // "Make current" on the previous version: a one-click roll back, audited.
    await changeSecretVersion(engineer, secret.id, { change: 'make_current', versionId: v1.versionId });
    const after = (await listSecretVersions(engineer, secret.id)).versions;
    expect(after.find((v) => v.versionId === v1.versionId)?.labels).toEqual(['AWSCURRENT']);
    expect(after.find((v) => v.versionId === v2.versionId)?.labels).toEqual(['AWSPREVIOUS']);
    expect((await auditEventsFor(secret.id)).map((e) => e.action)).toEqual(['secret.value_write', 'secret.value_write', 'secret.version_change']);
  });

  it.each([
    ['permission_denied', 'permission_denied', /not allowed/],
    ['throttled', 'throttled', /rate-limiting/],
    ['internal', 'unavailable', /could not be reached/],
  ] as const)('a %s answer fails with a clear message, records the failure, and keeps no version', async (fault, code, message) => {
    const secret = await awsSecret();
    const engineer = await engineerOwning(secret);
    aws.faults.add({ error: fault });
    const value = canary();
    const error = await writeSecretValue(engineer, secret.id, enter(), value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe(code);
    expect((error as ProviderError).message).toMatch(message);
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain(value);
    expect(aws.storedValues()).not.toContain(value);
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(0);
    // A server error may have come after the write landed: the next submit reconciles.
    const pending = await db.pendingValueWrite.findMany({ where: { secretId: secret.id } });
    expect(pending.map((p) => p.outcomeUnknown)).toEqual(code === 'unavailable' ? [true] : []);
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).lastRotatedAt).toBeNull();
    const [event] = await auditEventsFor(secret.id);
    expect(event).toMatchObject({ action: 'secret.value_write', outcome: 'failed', detail: expect.objectContaining({ error: code }) });
  });

  it('a submit that timed out is finished by its retry, and the provider holds one version', async () => {
    const secret = await awsSecret();
    const engineer = await engineerOwning(secret);
    const input = enter();
    const value = canary();
    aws.faults.add({ latencyMs: 4_500, times: 1 });
    await expect(writeSecretValue(engineer, secret.id, input, value)).rejects.toMatchObject({ code: 'timeout' });
    expect(await db.pendingValueWrite.findUnique({ where: { idempotencyToken: input.idempotencyToken } })).toMatchObject({ outcomeUnknown: true });
    await aws.settled();

    const retried = await writeSecretValue(engineer, secret.id, input, value);
    expect(retried.versionId).toBe(input.idempotencyToken); // AWS: the token is the version id
    expect((await listSecretVersions(engineer, secret.id)).versions).toHaveLength(1);
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(1);
    expect(await db.pendingValueWrite.count({ where: { secretId: secret.id } })).toBe(0);
  });

  it('shows the versions the dashboard recorded when the provider cannot be asked', async () => {
    const secret = await awsSecret();
    const engineer = await engineerOwning(secret);
    const written = await writeSecretValue(engineer, secret.id, enter(), canary());
    aws.faults.add({ error: 'unavailable' });
    const list = await listSecretVersions(engineer, secret.id);
    expect(list.providerError).toMatch(/could not be reached/);
    expect(list.versions.map((v) => v.versionId)).toEqual([written.versionId]);
  });
});

describe('GCP Secret Manager', () => {
  let gcp: GcpSecretManagerEmulator;
  beforeAll(async () => {
    gcp = await startGcpSecretManagerEmulator({ projectNumbers: { 'values-project': '555555555555' } });
  });
  afterAll(async () => {
    await closeGcpClients();
    await gcp.close();
  });
  beforeEach(() => gcp.faults.clear());

  const gcpSecret = async () => {
    const connection = await seedConnection('gcp', { projectId: 'values-project', endpoint: gcp.endpoint });
    const name = `api-key-${randomUUID().slice(0, 8)}`;
    return seedConnectedSecret(connection.id, { name, providerRef: `production-${name}` });
  };

  it('creates the secret with labels, adds ENABLED versions, and disables and enables old ones', async () => {
    const secret = await gcpSecret();
    const engineer = await engineerOwning(secret);
    const first = canary();
    await writeSecretValue(engineer, secret.id, enter(), first);
    await writeSecretValue(engineer, secret.id, enter(), canary());
    expect(gcp.storedValues()).toContain(first);
    expect(gcp.secretIds()).toContain(secret.providerRef);

    await changeSecretVersion(engineer, secret.id, { change: 'disable', versionId: '1' });
    await expect(changeSecretVersion(engineer, secret.id, { change: 'disable', versionId: '2' })).rejects.toThrow(/current version/);
    const versions = (await listSecretVersions(engineer, secret.id)).versions;
    expect(versions.map((v) => [v.versionId, v.state, v.current])).toEqual([
      ['2', 'enabled', true],
      ['1', 'disabled', false],
    ]);
  });

  it('adopts the version a lost attempt wrote instead of adding a second one', async () => {
    const secret = await gcpSecret();
    const engineer = await engineerOwning(secret);
    const input = enter();
    const value = canary();
    // The first attempt reached GCP, but its answer never came back (the process died).
    await db.pendingValueWrite.create({
      data: { idempotencyToken: input.idempotencyToken, secretId: secret.id, outcomeUnknown: true, startedAt: new Date(Date.now() - 1000) },
    });
    const client = await gcpClient({ endpoint: gcp.endpoint });
    const parent = 'projects/values-project';
    await client.createSecret({ parent, secretId: secret.providerRef, secret: { replication: { automatic: {} } } });
    await client.addSecretVersion({ parent: `${parent}/secrets/${secret.providerRef}`, payload: { data: Buffer.from(value) } });

    const retried = await writeSecretValue(engineer, secret.id, input, value);
    expect(retried.versionId).toBe('1');
    expect((await listSecretVersions(engineer, secret.id)).versions.map((v) => v.versionId)).toEqual(['1']);
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(1);
  });

  it.each([
    ['permission_denied', 'permission_denied'],
    ['throttled', 'throttled'],
    ['unavailable', 'unavailable'],
  ] as const)('a %s answer is reported, audited, and leaves no version', async (fault, code) => {
    const secret = await gcpSecret();
    const engineer = await engineerOwning(secret);
    gcp.faults.add({ error: fault });
    const value = canary();
    const error = await writeSecretValue(engineer, secret.id, enter(), value).catch((e: unknown) => e);
    expect((error as ProviderError).code).toBe(code);
    expect(JSON.stringify(error) + String((error as Error).stack) + (error as Error).message).not.toContain(value);
    expect(gcp.storedValues()).not.toContain(value);
    expect(await db.secretVersion.count({ where: { secretId: secret.id } })).toBe(0);
  });
});
