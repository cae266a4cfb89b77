// Discovery scans against the Secrets Manager emulators, into a real PostgreSQL: secrets
// made with the official AWS CLI and the GCP Node client show up exactly once with their
// metadata; deletion states; a scan cut off mid-listing and resumed, and one through a
// throttling storm, end with the same snapshot as an uninterrupted one; a provider delete
// marks the row gone on the next scan; a permission refusal fails the scan in our words;
// the digest notification; and who may start scans and set their interval.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { v1 } from '@google-cloud/secret-manager';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '@/lib/clock';
import { startScan, setScanInterval, listScans, latestScans } from '@/lib/data/discovery-scans';
import { db } from '@/lib/db';
import { providerKeyOf } from '@/lib/discovery/provider-key';
import { dueConnections, runScan, STALE_TOKEN, type ScanOptions } from '@/lib/discovery/scan';
import { ForbiddenError, InputError } from '@/lib/errors';
import { useSecretManagerEmulators } from '../support/secret-manager-emulators';
import { callerAs, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const REGION = 'eu-west-1';
const LAMBDA = 'arn:aws:lambda:eu-west-1:123456789012:function:rotate-mail';
const PROJECT = 'discovery-project';
const NUMBER = '424242424242';
const emulators = useSecretManagerEmulators({ [PROJECT]: NUMBER });
const run = promisify(execFile);

// The pacer's sleeps are not waited for: backoff is counted, not timed.
const fast: ScanOptions = { sleep: async () => {}, backoffMs: 1 };

/** The official AWS CLI against the emulator (dummy credentials; the emulator does not check signatures). */
async function awsCli(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run('aws', ['secretsmanager', ...args, '--endpoint-url', emulators.aws.endpoint, '--region', REGION, '--output', 'json'], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDDISCOVERY', AWS_SECRET_ACCESS_KEY: 'not-a-real-key', AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null' },
  });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}

const snapshotOf = (connectionId: string) =>
  db.discoveredSecret.findMany({
    where: { connectionId },
    orderBy: { providerKey: 'asc' },
    select: {
      providerKey: true,
      resourceName: true,
      description: true,
      labels: true,
      annotations: true,
      rotationEnabled: true,
      rotationSchedule: true,
      nextRotationAt: true,
      lastRotatedAt: true,
      lastAccessedAt: true,
      deletionAt: true,
      expireAt: true,
      replication: true,
      currentVersionId: true,
      versionCount: true,
      newestVersionAt: true,
      goneAt: true,
    },
  });

const scanRow = (id: string | null) => db.discoveryScan.findUniqueOrThrow({ where: { id: id ?? '' } });

/** Runs jobs until the scan is no longer running (a throttled job leaves it for the next). */
async function scanToEnd(connectionId: string, options: ScanOptions = fast) {
  for (let job = 0; job < 50; job++) {
    const result = await runScan(connectionId, systemClock, options);
    if (result.status !== 'running') return result;
  }
  throw new Error('the scan did not finish in 50 jobs');
}

describe('AWS', () => {
  beforeEach(() => emulators.aws.reset());

  async function awsConnection() {
    const connection = await seedConnection('aws', { region: REGION, endpoint: emulators.aws.endpoint });
    return connection;
  }

  it('lists secrets made with the AWS CLI exactly once, with metadata, deletion states and the unmanaged counts', async () => {
    const created = await awsCli(
      'create-secret',
      '--name',
      'prod/billing/db',
      '--secret-string',
      'canary-discovery-aws',
      '--description',
      'Billing DB',
      '--tags',
      'Key=team,Value=billing',
    );
    await awsCli('create-secret', '--name', 'prod/mail/api-key', '--secret-string', 'x-mail');
    emulators.aws.setRotationLambda(LAMBDA, { outcome: 'succeed' });
    await awsCli('rotate-secret', '--secret-id', 'prod/mail/api-key', '--rotation-lambda-arn', LAMBDA, '--rotation-rules', 'AutomaticallyAfterDays=30');
    await emulators.aws.rotationsSettled();
    // Someone read one value today: LastAccessedDate (day granularity) says so.
    await awsCli('get-secret-value', '--secret-id', 'prod/billing/db');
    await awsCli('create-secret', '--name', 'prod/empty');
    await awsCli('create-secret', '--name', 'prod/leaving', '--secret-string', 'x-leaving');
    await awsCli('delete-secret', '--secret-id', 'prod/leaving', '--recovery-window-in-days', '7');
    await awsCli('create-secret', '--name', 'prod/gone-now', '--secret-string', 'x-gone');
    await awsCli('delete-secret', '--secret-id', 'prod/gone-now', '--force-delete-without-recovery');
    // Enough for three pages of 100.
    emulators.aws.seedSecrets(
      REGION,
      Array.from({ length: 205 }, (_, i) => ({ name: `bulk/secret-${String(i).padStart(3, '0')}` })),
    );
    const connection = await awsConnection();
    // One of them is in the inventory already, by full ARN.
    const managed = await seedConnectedSecret(connection.id, { providerRef: String(created.ARN) });
    await db.secret.update({ where: { id: managed.id }, data: { providerKey: providerKeyOf('aws', managed.providerRef) } });

    const readsBefore = emulators.aws.requests.filter((r) => r === 'GetSecretValue').length;
    const result = await runScan(connection.id, systemClock, fast);
    expect(result.status).toBe('completed');
    const scan = await scanRow(result.scanId);
    expect(scan).toMatchObject({
      status: 'completed',
      pages: 3,
      seen: 209,
      providerCalls: 3,
      throttled: 0,
      gone: 0,
      unmanaged: 208,
      newUnmanaged: 208,
      pageToken: null,
    });

    const rows = await snapshotOf(connection.id);
    expect(rows).toHaveLength(209);
    expect(new Set(rows.map((r) => r.providerKey)).size).toBe(209);
    expect(rows.some((r) => r.providerKey === 'prod/gone-now')).toBe(false);
    const billing = rows.find((r) => r.providerKey === 'prod/billing/db')!;
    const described = emulators.aws.describe('prod/billing/db')!;
    expect(billing).toMatchObject({
      resourceName: created.ARN,
      description: 'Billing DB',
      labels: { team: 'billing' },
      annotations: null,
      currentVersionId: described.versions[0].versionId,
      versionCount: 1,
      deletionAt: null,
      rotationEnabled: null,
      lastAccessedAt: new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000),
    });
    const mail = rows.find((r) => r.providerKey === 'prod/mail/api-key')!;
    expect(mail).toMatchObject({ rotationEnabled: true, rotationSchedule: 'every 30 days', versionCount: 2 });
    expect(mail.nextRotationAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(mail.lastRotatedAt).not.toBeNull();
    expect(mail.currentVersionId).toBe(emulators.aws.describe('prod/mail/api-key')!.versions.find((v) => v.stages.includes('AWSCURRENT'))!.versionId);
    expect(rows.find((r) => r.providerKey === 'prod/empty')).toMatchObject({ currentVersionId: null, versionCount: 0 });
    const leaving = rows.find((r) => r.providerKey === 'prod/leaving')!;
    expect(leaving.deletionAt?.getTime()).toBe(emulators.aws.describe('prod/leaving')!.deletedDate!.getTime());
    // Metadata only: nothing was read.
    expect(emulators.aws.requests.filter((r) => r === 'GetSecretValue')).toHaveLength(readsBefore);
    expect(JSON.stringify(rows)).not.toContain('canary-discovery-aws');
    expect(await latestScans(await callerAs('admin'))).toSatisfy((m: Map<string, { status: string }>) => m.get(connection.id)?.status === 'completed');
  });

  it('marks a secret deleted at the provider gone on the next scan, and counts only new unmanaged secrets as new', async () => {
    emulators.aws.seedSecrets(REGION, [{ name: 'keep/a' }, { name: 'keep/b' }, { name: 'drop/c' }]);
    const connection = await awsConnection();
    expect((await runScan(connection.id, systemClock, fast)).status).toBe('completed');
    await awsCli('delete-secret', '--secret-id', 'drop/c', '--force-delete-without-recovery');
    await awsCli('create-secret', '--name', 'keep/new', '--secret-string', 'x');
    const second = await runScan(connection.id, systemClock, fast);
    expect(await scanRow(second.scanId)).toMatchObject({ status: 'completed', seen: 3, gone: 1, unmanaged: 3, newUnmanaged: 1 });
    const rows = await snapshotOf(connection.id);
    expect(rows.filter((r) => r.goneAt).map((r) => r.providerKey)).toEqual(['drop/c']);
    // Back at the provider: no longer gone.
    await awsCli('create-secret', '--name', 'drop/c', '--secret-string', 'x');
    const third = await runScan(connection.id, systemClock, fast);
    expect(await scanRow(third.scanId)).toMatchObject({ gone: 0, unmanaged: 4, newUnmanaged: 0 });
    expect((await snapshotOf(connection.id)).filter((r) => r.goneAt)).toEqual([]);
  });

  it('resumes a scan cut off mid-listing from its page token, ending with the snapshot of an uninterrupted scan', async () => {
    emulators.aws.seedSecrets(
      REGION,
      Array.from({ length: 250 }, (_, i) => ({ name: `svc/${i}`, tags: [{ Key: 'n', Value: String(i) }] })),
    );
    const whole = await awsConnection();
    const cut = await awsConnection();
    expect((await runScan(whole.id, systemClock, fast)).status).toBe('completed');

    // The worker "dies" right after the second page committed.
    const crash = new Error('worker died');
    await expect(runScan(cut.id, systemClock, { ...fast, afterPage: (pages) => (pages === 2 ? Promise.reject(crash) : undefined) })).rejects.toBe(crash);
    const stalled = await db.discoveryScan.findFirstOrThrow({ where: { connectionId: cut.id } });
    expect(stalled).toMatchObject({ status: 'running', pages: 2, seen: 200 });
    expect(stalled.pageToken).not.toBeNull();
    // The scheduled job picks it up, and the next job resumes it (the same scan row).
    expect(await dueConnections(new Date())).toContain(cut.id);
    const resumed = await runScan(cut.id, systemClock, fast);
    expect(resumed).toMatchObject({ status: 'completed', scanId: stalled.id });
    // Two calls before the cut, one after: no page was listed twice.
    expect(await scanRow(stalled.id)).toMatchObject({ pages: 3, seen: 250, providerCalls: 3 });
    expect(await db.discoveryScan.count({ where: { connectionId: cut.id } })).toBe(1);

    expect(await snapshotOf(cut.id)).toEqual(await snapshotOf(whole.id));
  });

  it('fails a resumed scan whose page token the provider refuses, and the next scan starts over', async () => {
    emulators.aws.seedSecrets(REGION, [{ name: 'token/a' }, { name: 'token/b' }]);
    const connection = await awsConnection();
    const stale = await db.discoveryScan.create({
      data: { connectionId: connection.id, trigger: 'scheduled', pageToken: 'expired-token', pages: 3, seen: 300 },
    });
    expect(await runScan(connection.id, systemClock, fast)).toMatchObject({ status: 'failed', scanId: stale.id, code: 'invalid' });
    expect(await scanRow(stale.id)).toMatchObject({ status: 'failed', errorCode: 'invalid', error: STALE_TOKEN });
    const next = await runScan(connection.id, systemClock, fast);
    expect(next.scanId).not.toBe(stale.id);
    expect(await scanRow(next.scanId)).toMatchObject({ status: 'completed', seen: 2 });
  });

  it('completes through a throttling storm with the same snapshot, counting the throttled answers', async () => {
    emulators.aws.seedSecrets(
      REGION,
      Array.from({ length: 320 }, (_, i) => ({ name: `storm/${i}` })),
    );
    const calm = await awsConnection();
    await runScan(calm.id, systemClock, fast);
    const stormy = await awsConnection();
    emulators.aws.faults.add({ operation: 'ListSecrets', error: 'throttled', probability: 0.6 });
    const result = await scanToEnd(stormy.id, { ...fast, throttleRetries: 2 });
    expect(result.status).toBe('completed');
    const scan = await scanRow(result.scanId);
    expect(scan.throttled).toBeGreaterThan(0);
    expect(scan.providerCalls).toBe(4 + scan.throttled);
    expect(await snapshotOf(stormy.id)).toEqual(await snapshotOf(calm.id));
  });

  it('fails a scan the provider refuses, in our words, and keeps the earlier snapshot', async () => {
    emulators.aws.seedSecrets(REGION, [{ name: 'only/one' }]);
    const connection = await awsConnection();
    await runScan(connection.id, systemClock, fast);
    emulators.aws.faults.add({ operation: 'ListSecrets', error: 'permission_denied' });
    const result = await runScan(connection.id, systemClock, fast);
    expect(result).toMatchObject({ status: 'failed', code: 'permission_denied' });
    const scan = await scanRow(result.scanId);
    expect(scan).toMatchObject({
      status: 'failed',
      errorCode: 'permission_denied',
      error: "The dashboard's cloud identity may not list secrets (secretsmanager:ListSecrets).",
    });
    expect(scan.finishedAt).not.toBeNull();
    expect(scan.error).not.toMatch(/injected/i);
    expect((await snapshotOf(connection.id)).map((r) => [r.providerKey, r.goneAt])).toEqual([['only/one', null]]);
  });

  it('sends one digest of new unmanaged secrets per scan, naming up to ten', async () => {
    const channel = await db.notificationChannel.create({
      data: { name: `hook-${randomUUID().slice(0, 8)}`, kind: 'webhook', url: 'http://127.0.0.1:9/hook', events: ['discovery.new_unmanaged'], enabled: true },
      select: { id: true },
    });
    emulators.aws.seedSecrets(
      REGION,
      Array.from({ length: 12 }, (_, i) => ({ name: `new/${String(i).padStart(2, '0')}` })),
    );
    const connection = await awsConnection();
    const first = await runScan(connection.id, systemClock, fast);
    const deliveries = await db.notificationDelivery.findMany({ where: { channelId: channel.id } });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].payload).toMatchObject({
      event: 'discovery.new_unmanaged',
      discovery: {
        connectionId: connection.id,
        connection: connection.name,
        scanId: first.scanId,
        newUnmanaged: 12,
        names: Array.from({ length: 10 }, (_, i) => `new/${String(i).padStart(2, '0')}`),
      },
    });
    // Nothing new: no second digest.
    await runScan(connection.id, systemClock, fast);
    expect(await db.notificationDelivery.count({ where: { channelId: channel.id } })).toBe(1);
    await db.notificationChannel.delete({ where: { id: channel.id } });
  });
});

describe('GCP', () => {
  let client: v1.SecretManagerServiceClient;
  beforeAll(() => {
    client = new v1.SecretManagerServiceClient({ apiEndpoint: '127.0.0.1', port: emulators.gcp.port, sslCreds: grpc.credentials.createInsecure() });
  });
  afterAll(() => client.close());
  beforeEach(() => emulators.gcp.reset());

  const parent = `projects/${PROJECT}`;
  const add = (name: string, data: string) => client.addSecretVersion({ parent: name, payload: { data: Buffer.from(data) } });

  it('lists secrets made with the Node client exactly once, with labels, annotations, rotation, expiry and versions', async () => {
    const next = new Date(Date.now() + 7 * 86_400_000);
    next.setMilliseconds(0);
    const expire = new Date(Date.now() + 30 * 86_400_000);
    expire.setMilliseconds(0);
    const [rotating] = await client.createSecret({
      parent,
      secretId: 'payments-token',
      secret: {
        replication: { userManaged: { replicas: [{ location: 'europe-west1' }, { location: 'europe-west4' }] } },
        labels: { team: 'payments', env: 'prod' },
        annotations: { 'owner.contact': 'payments@example.com' },
        topics: [{ name: `projects/${PROJECT}/topics/rotations` }],
        rotation: { nextRotationTime: { seconds: Math.floor(next.getTime() / 1000) }, rotationPeriod: { seconds: 30 * 86_400 } },
        expireTime: { seconds: Math.floor(expire.getTime() / 1000) },
      },
    });
    await add(rotating.name!, 'canary-discovery-gcp-1');
    const [v2] = await add(rotating.name!, 'canary-discovery-gcp-2');
    const [v3] = await add(rotating.name!, 'canary-discovery-gcp-3');
    await client.destroySecretVersion({ name: `${rotating.name}/versions/1` });
    await client.disableSecretVersion({ name: v3.name! });
    await client.createSecret({ parent, secretId: 'empty', secret: { replication: { automatic: {} } } });
    for (let i = 0; i < 5; i++) await client.createSecret({ parent, secretId: `bulk-${i}`, secret: { replication: { automatic: {} } } });

    const connection = await seedConnection('gcp', { projectId: PROJECT, endpoint: emulators.gcp.endpoint });
    // Small pages, so the listing takes several.
    const result = await runScan(connection.id, systemClock, { ...fast, gcpPageSize: 3 });
    expect(await scanRow(result.scanId)).toMatchObject({ status: 'completed', pages: 3, seen: 7, unmanaged: 7, newUnmanaged: 7 });
    const rows = await snapshotOf(connection.id);
    expect(rows.map((r) => r.providerKey)).toEqual(['bulk-0', 'bulk-1', 'bulk-2', 'bulk-3', 'bulk-4', 'empty', 'payments-token']);
    expect(rows.find((r) => r.providerKey === 'payments-token')).toMatchObject({
      resourceName: `projects/${NUMBER}/secrets/payments-token`,
      labels: { team: 'payments', env: 'prod' },
      annotations: { 'owner.contact': 'payments@example.com' },
      rotationEnabled: true,
      rotationSchedule: 'every 30 days',
      nextRotationAt: next,
      expireAt: expire,
      replication: 'europe-west1, europe-west4',
      // Version 3 is disabled, 1 destroyed: the newest enabled is 2, and two versions hold data.
      currentVersionId: '2',
      versionCount: 2,
    });
    expect(rows.find((r) => r.providerKey === 'payments-token')!.newestVersionAt).not.toBeNull();
    expect(v2.name).toMatch(/versions\/2$/);
    expect(rows.find((r) => r.providerKey === 'empty')).toMatchObject({
      replication: 'automatic',
      currentVersionId: null,
      versionCount: 0,
      rotationEnabled: null,
    });
    expect(emulators.gcp.requests.filter((r) => r === 'AccessSecretVersion')).toEqual([]);
    expect(JSON.stringify(rows)).not.toContain('canary-discovery-gcp');
  });

  it('reads every page of a secret with more versions than one ListSecretVersions page holds', async () => {
    emulators.gcp.seedSecrets(parent, [{ id: 'many-versions', versions: 1003 }]);
    const connection = await seedConnection('gcp', { projectId: PROJECT, endpoint: emulators.gcp.endpoint });
    const result = await runScan(connection.id, systemClock, fast);
    // One ListSecrets, two ListSecretVersions pages (1000 + 3).
    expect(await scanRow(result.scanId)).toMatchObject({ status: 'completed', seen: 1, providerCalls: 3 });
    expect(emulators.gcp.requests.filter((r) => r === 'ListSecretVersions')).toHaveLength(2);
    expect((await snapshotOf(connection.id))[0]).toMatchObject({ providerKey: 'many-versions', currentVersionId: '1003', versionCount: 1003 });
  });

  it('scans the regional parent of a connection with a location, and marks a deleted secret gone', async () => {
    const regional = `projects/${PROJECT}/locations/europe-west1`;
    const [a] = await client.createSecret({ parent: regional, secretId: 'regional-a' });
    await client.createSecret({ parent: regional, secretId: 'regional-b' });
    await client.createSecret({ parent, secretId: 'global-only', secret: { replication: { automatic: {} } } });
    const connection = await db.providerConnection.create({
      data: { name: `gcp-regional-${randomUUID().slice(0, 8)}`, kind: 'gcp', projectId: PROJECT, location: 'europe-west1', endpoint: emulators.gcp.endpoint },
    });
    await runScan(connection.id, systemClock, fast);
    expect((await snapshotOf(connection.id)).map((r) => [r.providerKey, r.replication])).toEqual([
      ['regional-a', 'europe-west1'],
      ['regional-b', 'europe-west1'],
    ]);
    await client.deleteSecret({ name: a.name! });
    const second = await runScan(connection.id, systemClock, fast);
    expect(await scanRow(second.scanId)).toMatchObject({ gone: 1, unmanaged: 1 });
  });

  it('fails a refused listing in our words (never the provider’s)', async () => {
    const connection = await seedConnection('gcp', { projectId: PROJECT, endpoint: emulators.gcp.endpoint });
    emulators.gcp.faults.add({ operation: 'ListSecrets', error: 'permission_denied' });
    const result = await runScan(connection.id, systemClock, fast);
    const scan = await scanRow(result.scanId);
    expect(scan).toMatchObject({
      status: 'failed',
      errorCode: 'permission_denied',
      error: "The dashboard's cloud identity may not list secrets or their versions (secretmanager.secrets.list, secretmanager.versions.list).",
    });
  });
});

describe('who may scan', () => {
  it('refuses non-administrators (audited, nothing changed), starts one scan at a time, validates the interval', async () => {
    const connection = await seedConnection('aws', { region: REGION, endpoint: emulators.aws.endpoint });
    for (const role of ['viewer', 'engineer', 'auditor'] as const) {
      const caller = await callerAs(role);
      await expect(startScan(caller, connection.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(setScanInterval(caller, connection.id, { hours: 6 })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(listScans(caller, connection.id)).rejects.toBeInstanceOf(ForbiddenError);
      const denials = await db.auditEvent.findMany({ where: { targetId: connection.id, actorId: caller.user!.id, outcome: 'denied' } });
      expect(denials.map((d) => d.action).sort()).toEqual(['discovery.scan_interval', 'discovery.scan_list', 'discovery.scan_start']);
    }
    expect(await db.discoveryScan.count({ where: { connectionId: connection.id } })).toBe(0);
    expect((await db.providerConnection.findUniqueOrThrow({ where: { id: connection.id } })).scanIntervalHours).toBeNull();

    const admin = await callerAs('admin');
    const { scanId } = await startScan(admin, connection.id);
    const again = await startScan(admin, connection.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(InputError);
    expect((again as Error).message).toMatch(/already running/);
    expect(await db.discoveryScan.findUniqueOrThrow({ where: { id: scanId } })).toMatchObject({
      trigger: 'manual',
      status: 'running',
      startedById: admin.user!.id,
    });
    const started = await db.auditEvent.findMany({ where: { targetId: connection.id, action: 'discovery.scan_start', outcome: 'success' } });
    expect(started).toHaveLength(1);
    // The job (here run directly) takes over the scan the person started.
    expect((await runScan(connection.id, systemClock, fast)).scanId).toBe(scanId);
    expect((await listScans(admin, connection.id)).items.map((s) => s.id)).toEqual([scanId]);

    for (const hours of [0, 721, 1.5, 'often']) {
      await expect(setScanInterval(admin, connection.id, { hours })).rejects.toBeInstanceOf(InputError);
    }
    await setScanInterval(admin, connection.id, { hours: '24' });
    await setScanInterval(admin, connection.id, { hours: 24 });
    await setScanInterval(admin, connection.id, { hours: '' });
    expect((await db.providerConnection.findUniqueOrThrow({ where: { id: connection.id } })).scanIntervalHours).toBeNull();
    const intervals = await db.auditEvent.findMany({
      where: { targetId: connection.id, action: 'discovery.scan_interval', outcome: 'success' },
      orderBy: { id: 'asc' },
    });
    // The unchanged second save recorded nothing.
    expect(intervals.map((e) => e.changes)).toEqual([{ scanIntervalHours: { before: null, after: 24 } }, { scanIntervalHours: { before: 24, after: null } }]);
  });

  it('schedules connections whose interval has passed, not local ones or ones scanned recently', async () => {
    const due = await seedConnection('aws', { region: REGION, endpoint: emulators.aws.endpoint });
    const recent = await seedConnection('aws', { region: REGION, endpoint: emulators.aws.endpoint });
    const off = await seedConnection('gcp', { projectId: PROJECT, endpoint: emulators.gcp.endpoint });
    const local = await seedConnection('local');
    for (const c of [due, recent, local]) await db.providerConnection.update({ where: { id: c.id }, data: { scanIntervalHours: 6 } });
    await db.discoveryScan.create({
      data: { connectionId: due.id, trigger: 'scheduled', status: 'completed', startedAt: new Date(Date.now() - 7 * 3_600_000) },
    });
    await db.discoveryScan.create({
      data: { connectionId: recent.id, trigger: 'scheduled', status: 'completed', startedAt: new Date(Date.now() - 3_600_000) },
    });
    const ids = await dueConnections(new Date());
    expect(ids).toContain(due.id);
    for (const c of [recent, off, local]) expect(ids).not.toContain(c.id);
    expect(await runScan(local.id, systemClock, fast)).toEqual({ status: 'skipped', scanId: null });
  });
});
