// The fingerprint backfill (lib/values/fingerprint-backfill.ts) against the AWS and GCP
// emulators and real PostgreSQL: values written straight to the provider (outside the
// dashboard) get fingerprints that fingerprintWith recomputes, previous versions too; a
// connection with the backfill off is not read; a second run reads nothing; version rows
// from an earlier pepper are re-fingerprinted; a provider fault becomes a job fault on the
// connection and the worker goes on; and no table holds a value afterwards.
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { db, pgPool } from '@/lib/db';
import { backfillSettings, setFingerprintBackfill, startFingerprintBackfill } from '@/lib/data/fingerprint-backfill';
import { writeSecretValue } from '@/lib/data/secret-values';
import { ForbiddenError, InputError } from '@/lib/errors';
import { closeJobSender } from '@/lib/jobs/boss';
import { QUEUE } from '@/lib/jobs/queues';
import { startWorker, type RunningWorker } from '@/lib/jobs/worker';
import { gcpClient } from '@/lib/providers/gcp-client';
import { currentFingerprintKey, fingerprintWith } from '@/lib/values/fingerprint';
import { runFingerprintBackfill } from '@/lib/values/fingerprint-backfill';
import { secretsManagerClient } from '../support/aws-client';
import { eventually } from '../support/eventually';
import { useSecretManagerEmulators } from '../support/secret-manager-emulators';
import { callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();
const emulators = useSecretManagerEmulators({ 'backfill-project': '424242' });
const clock = new ManualClock(new Date('2026-12-06T10:00:00Z'));
const FAST = { minIntervalMs: 0, sleep: async () => {} };
const canary = (label: string) => `canary-${label}-${randomUUID()}`;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const expected = (value: string) => hex(fingerprintWith(currentFingerprintKey(), value));

let sm: SecretsManagerClient;
const allValues: string[] = [];

beforeAll(() => {
  sm = secretsManagerClient(emulators.aws, 'us-east-1');
});
afterAll(() => sm?.destroy());
beforeEach(() => {
  emulators.aws.faults.clear();
  emulators.gcp.faults.clear();
});

async function awsConnection(backfill = true) {
  const connection = await seedConnection('aws', { region: 'us-east-1', endpoint: emulators.aws.endpoint });
  await db.providerConnection.update({ where: { id: connection.id }, data: { fingerprintBackfill: backfill } });
  return connection;
}

/** An inventory secret whose AWS versions were written outside the dashboard, oldest first. */
async function awsSecretWithOutsideValues(connectionId: string, values: string[]) {
  const secret = await seedConnectedSecret(connectionId);
  allValues.push(...values);
  await sm.send(new CreateSecretCommand({ Name: secret.providerRef, SecretString: values[0] }));
  for (const value of values.slice(1)) await sm.send(new PutSecretValueCommand({ SecretId: secret.providerRef, SecretString: value }));
  return secret;
}

async function fingerprintsOf(secretId: string) {
  const rows = await db.providerVersionFingerprint.findMany({ where: { secretId }, orderBy: { stage: 'asc' } });
  return rows.map((r) => ({ stage: r.stage, keyId: r.keyId, fingerprint: hex(r.fingerprint) }));
}

const reads = () => emulators.aws.requests.filter((r) => r === 'GetSecretValue').length;

describe('the fingerprint backfill job', () => {
  it('fingerprints the current and previous AWS versions written outside the dashboard, and reads nothing again on a second run', async () => {
    const connection = await awsConnection();
    const [oldest, previous, current] = [canary('aws-oldest'), canary('aws-previous'), canary('aws-current')];
    const secret = await awsSecretWithOutsideValues(connection.id, [oldest, previous, current]);

    const before = reads();
    const first = await runFingerprintBackfill(connection.id, clock, FAST);
    expect(first).toMatchObject({ status: 'completed', counts: { secrets: 1, versionsRead: 2, fingerprintsRecorded: 2, refingerprinted: 0, failures: 0 } });
    expect(reads() - before).toBe(2);
    const key = currentFingerprintKey().id;
    expect(await fingerprintsOf(secret.id)).toEqual([
      { stage: 'current', keyId: key, fingerprint: expected(current) },
      { stage: 'previous', keyId: key, fingerprint: expected(previous) },
    ]);

    const again = await runFingerprintBackfill(connection.id, clock, FAST);
    expect(again.counts).toMatchObject({ secrets: 1, versionsRead: 0, fingerprintsRecorded: 0 });
    expect(reads() - before).toBe(2);

    // A rotation outside the dashboard: one new read, and the stages move along.
    const next = canary('aws-next');
    allValues.push(next);
    await sm.send(new PutSecretValueCommand({ SecretId: secret.providerRef, SecretString: next }));
    const third = await runFingerprintBackfill(connection.id, clock, FAST);
    expect(third.counts).toMatchObject({ versionsRead: 1, fingerprintsRecorded: 1 });
    expect((await fingerprintsOf(secret.id)).map((r) => [r.stage, r.fingerprint]).sort()).toEqual(
      [
        ['current', expected(next)],
        ['previous', expected(current)],
        ['previous', expected(previous)],
      ].sort(),
    );

    const audit = await db.auditEvent.findMany({ where: { action: 'fingerprint.backfill_run', targetId: connection.id }, orderBy: { id: 'asc' } });
    expect(audit.map((e) => [e.outcome, (e.detail as Record<string, number>).versionsRead])).toEqual([
      ['success', 2],
      ['success', 0],
      ['success', 1],
    ]);
    expect((await db.providerConnection.findUniqueOrThrow({ where: { id: connection.id } })).fingerprintBackfillAt).toEqual(clock.now());
  });

  it('fingerprints the newest enabled GCP version and the one before it', async () => {
    const connection = await seedConnection('gcp', { projectId: 'backfill-project', endpoint: emulators.gcp.endpoint });
    await db.providerConnection.update({ where: { id: connection.id }, data: { fingerprintBackfill: true } });
    const secret = await seedConnectedSecret(connection.id, { providerRef: `backfill-${randomUUID().slice(0, 8)}` });
    const client = await gcpClient({ endpoint: emulators.gcp.endpoint });
    const parent = 'projects/backfill-project';
    await client.createSecret({ parent, secretId: secret.providerRef, secret: { replication: { automatic: {} } } });
    const values = [canary('gcp-1'), canary('gcp-2'), canary('gcp-3')];
    allValues.push(...values);
    for (const value of values) await client.addSecretVersion({ parent: `${parent}/secrets/${secret.providerRef}`, payload: { data: Buffer.from(value) } });

    const result = await runFingerprintBackfill(connection.id, clock, FAST);
    expect(result).toMatchObject({ status: 'completed', counts: { versionsRead: 2, fingerprintsRecorded: 2 } });
    const rows = await db.providerVersionFingerprint.findMany({ where: { secretId: secret.id }, orderBy: { providerVersionId: 'asc' } });
    expect(rows.map((r) => [r.providerVersionId, r.stage, hex(r.fingerprint)])).toEqual([
      ['2', 'previous', expected(values[1])],
      ['3', 'current', expected(values[2])],
    ]);
    const accesses = emulators.gcp.requests.filter((r) => r === 'AccessSecretVersion').length;
    expect((await runFingerprintBackfill(connection.id, clock, FAST)).counts.versionsRead).toBe(0);
    expect(emulators.gcp.requests.filter((r) => r === 'AccessSecretVersion').length).toBe(accesses);
  });

  it('reads nothing for a connection with the backfill off', async () => {
    const connection = await awsConnection(false);
    await awsSecretWithOutsideValues(connection.id, [canary('off-1'), canary('off-2')]);
    const before = emulators.aws.requests.length;
    expect(await runFingerprintBackfill(connection.id, clock, FAST)).toMatchObject({ status: 'skipped' });
    expect(emulators.aws.requests.length).toBe(before);
    expect(await db.providerVersionFingerprint.count({ where: { connectionId: connection.id } })).toBe(0);
  });

  it('re-fingerprints version rows made before key ids (or by an earlier pepper) under the current pepper', async () => {
    const connection = await awsConnection();
    const secret = await seedConnectedSecret(connection.id);
    const engineer = await joinOwningTeam(await callerAs('engineer'), secret.id);
    const [outside, ours] = [canary('outside'), canary('ours')];
    allValues.push(outside, ours);
    await sm.send(new CreateSecretCommand({ Name: secret.providerRef, SecretString: outside }));
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, ours);
    // As an older generation would have left it: no key id, a fingerprint this pepper did not make.
    await db.secretVersion.updateMany({ where: { secretId: secret.id }, data: { fingerprintKeyId: null, fingerprint: Buffer.alloc(32, 7) } });

    const result = await runFingerprintBackfill(connection.id, clock, FAST);
    expect(result.counts).toMatchObject({ versionsRead: 2, refingerprinted: 1, fingerprintsRecorded: 1 });
    const row = await db.secretVersion.findFirstOrThrow({ where: { secretId: secret.id } });
    expect([row.fingerprintKeyId, hex(row.fingerprint!)]).toEqual([currentFingerprintKey().id, expected(ours)]);
    expect((await fingerprintsOf(secret.id)).map((r) => [r.stage, r.fingerprint])).toEqual([['previous', expected(outside)]]);
    expect((await runFingerprintBackfill(connection.id, clock, FAST)).counts.versionsRead).toBe(0);
  });

  it('records a provider fault on the connection without stopping the worker, and the next run clears it', async () => {
    const connection = await awsConnection();
    const secret = await awsSecretWithOutsideValues(connection.id, [canary('fault-1'), canary('fault-2')]);
    const admin = await callerAs('admin');
    let worker: RunningWorker | undefined;
    try {
      worker = await startWorker({ clock, workerId: 'backfill-test', pollingIntervalSeconds: 0.5, handlers: { refreshPosture: async () => {} } });
      emulators.aws.faults.add({ operation: 'GetSecretValue', error: 'permission_denied' });
      await startFingerprintBackfill(admin, connection.id);
      const fault = await eventually(
        () => db.connectionJobFault.findFirst({ where: { connectionId: connection.id, job: QUEUE.fingerprintBackfill } }),
        (f) => f !== null,
      );
      expect(fault).toMatchObject({ code: 'permission_denied' });
      expect(fault!.message).toMatch(/not allowed/);

      emulators.aws.faults.clear();
      await startFingerprintBackfill(admin, connection.id);
      await eventually(
        () => db.connectionJobFault.count({ where: { connectionId: connection.id, job: QUEUE.fingerprintBackfill } }),
        (n) => n === 0,
      );
      expect(await db.providerVersionFingerprint.count({ where: { secretId: secret.id } })).toBe(2);
      const runs = await db.auditEvent.findMany({ where: { action: 'fingerprint.backfill_run', targetId: connection.id }, orderBy: { id: 'asc' } });
      expect(runs.map((e) => [e.outcome, (e.detail as Record<string, unknown>).error ?? null])).toEqual([
        ['failed', 'permission_denied'],
        ['success', null],
      ]);
    } finally {
      await worker?.stop({ timeoutMs: 5000 });
      await closeJobSender();
    }
  });
});

describe('administering the backfill', () => {
  it('is off by default, toggled and run by administrators only, audited, and shown with the last run', async () => {
    const connection = await seedConnection('aws', { region: 'us-east-1', endpoint: emulators.aws.endpoint });
    const admin = await callerAs('admin');
    const engineer = await callerAs('engineer');
    expect(await backfillSettings(admin, connection.id)).toEqual({ enabled: false, lastRunAt: null, lastRun: null, recorded: 0 });
    await expect(startFingerprintBackfill(admin, connection.id)).rejects.toThrow(InputError);

    await expect(setFingerprintBackfill(engineer, connection.id, true)).rejects.toThrow(ForbiddenError);
    await expect(startFingerprintBackfill(engineer, connection.id)).rejects.toThrow(ForbiddenError);
    await expect(backfillSettings(engineer, connection.id)).rejects.toThrow(ForbiddenError);

    await setFingerprintBackfill(admin, connection.id, true);
    await setFingerprintBackfill(admin, connection.id, true); // unchanged: nothing audited
    await awsSecretWithOutsideValues(connection.id, [canary('admin-1')]);
    await runFingerprintBackfill(connection.id, clock, FAST);
    const settings = await backfillSettings(admin, connection.id);
    expect(settings).toMatchObject({
      enabled: true,
      lastRunAt: clock.now().toISOString(),
      lastRun: { outcome: 'success', counts: { secrets: 1, versionsRead: 1, fingerprintsRecorded: 1, refingerprinted: 0, failures: 0 } },
      recorded: 1,
    });
    await setFingerprintBackfill(admin, connection.id, false);

    const events = await db.auditEvent.findMany({ where: { targetId: connection.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['fingerprint.backfill_toggle', 'denied'],
      ['fingerprint.backfill_start', 'denied'],
      ['fingerprint.backfill_view', 'denied'],
      ['fingerprint.backfill_toggle', 'success'],
      ['fingerprint.backfill_run', 'success'],
      ['fingerprint.backfill_toggle', 'success'],
    ]);
  });
});

describe('the canary', () => {
  it('leaves no value read by the backfill in any table', async () => {
    expect(allValues.length).toBeGreaterThan(10);
    const { rows } = await pgPool().query<{ t: string; s: string }>(
      `SELECT table_name AS t, table_schema AS s FROM information_schema.tables WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { t, s } of rows) {
      const result = await pgPool().query<{ row: string }>(`SELECT to_jsonb(x)::text AS row FROM "${s}"."${t}" x`);
      dump += result.rows.map((r) => r.row).join('\n');
    }
    expect(dump).toContain('fingerprint.backfill_run');
    for (const value of allValues) {
      expect(dump).not.toContain(value);
      expect(dump).not.toContain(Buffer.from(value).toString('hex'));
    }
  });
});
