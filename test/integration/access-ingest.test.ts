// Access ingestion against the CloudTrail and Cloud Logging emulators, fed by real SDK
// calls to the Secrets Manager emulators, into a real PostgreSQL: what gets stored and
// matched, that a re-run stores nothing new, that a throttled or failed run resumes
// without gaps, and that a GCP project without Data Access logs is flagged.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { closeLoggingClients } from '@/lib/access/audit-log-source';
import { ingestAccessEvents, OVERLAP_MS } from '@/lib/access/ingest';
import { systemClock } from '@/lib/clock';
import { db } from '@/lib/db';
import { startCloudTrailEmulator, type CloudTrailEmulator } from '../emulators/aws-cloudtrail';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { useGcpAuditEmulators } from '../support/gcp-audit-emulators';

useTestDatabase();

const REGION = 'eu-west-1';
const APP_ROLE = 'arn:aws:iam::123456789012:role/billing-api';
const ALICE = 'arn:aws:iam::123456789012:user/alice';
// The pacer's sleeps are recorded, not waited for (the emulator's bucket is generous here).
const sleeps: number[] = [];
const fastSleep = async (ms: number) => {
  sleeps.push(ms);
};

describe('AWS: CloudTrail LookupEvents', () => {
  let trail: CloudTrailEmulator;
  let sm: AwsSecretsManagerEmulator;
  const smAs = (akid: string) =>
    new SecretsManagerClient({ region: REGION, endpoint: sm.endpoint, credentials: { accessKeyId: akid, secretAccessKey: 'x' }, maxAttempts: 1 });

  beforeAll(async () => {
    trail = await startCloudTrailEmulator({
      ratePerSecond: 1000,
      identities: {
        AKIDAPP: { type: 'AssumedRole', roleArn: APP_ROLE, sessionName: 'i-0abc' },
        AKIDALICE: { type: 'IAMUser', arn: ALICE, userName: 'alice' },
      },
    });
    sm = await startAwsSecretsManagerEmulator({ onCall: trail.recordSecretsManagerCall });
  });
  afterAll(async () => {
    await trail.close();
    await sm.close();
  });
  beforeEach(() => {
    trail.reset();
    sm.reset();
    sleeps.length = 0;
  });

  /** A GetSecretValue by the app's role, straight into the trail (no Secrets Manager call). */
  const recordAppRead = (secretId: string) =>
    trail.recordEvent({
      operation: 'GetSecretValue',
      input: { SecretId: secretId },
      region: REGION,
      accountId: '123456789012',
      accessKeyId: 'AKIDAPP',
      sourceIp: '10.0.0.1',
      userAgent: 't',
    });

  const ingest = (connectionId: string, extra = {}) =>
    ingestAccessEvents(connectionId, systemClock, { cloudTrailEndpoint: trail.endpoint, sleep: fastSleep, backoffMs: 10, ...extra });

  async function setup() {
    const connection = await seedConnection('aws', { region: REGION, endpoint: sm.endpoint });
    const { ARN } = await smAs('AKIDALICE').send(new CreateSecretCommand({ Name: 'prod/billing/db', SecretString: 'canary-ingest-aws' }));
    // The inventory holds a full ARN for one secret, a bare name for the other.
    const byArn = await seedConnectedSecret(connection.id, { providerRef: ARN! });
    await smAs('AKIDALICE').send(new CreateSecretCommand({ Name: 'prod/other', SecretString: 'x-other' }));
    const byName = await seedConnectedSecret(connection.id, { providerRef: 'prod/other' });
    return { connection, arn: ARN!, byArn, byName };
  }

  it('stores reads by name, partial ARN and full ARN against the right secret, once', async () => {
    const { connection, arn, byArn, byName } = await setup();
    await smAs('AKIDAPP').send(new GetSecretValueCommand({ SecretId: 'prod/billing/db' }));
    await smAs('AKIDAPP').send(new GetSecretValueCommand({ SecretId: arn }));
    await smAs('AKIDALICE').send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) }));
    await smAs('AKIDALICE').send(new GetSecretValueCommand({ SecretId: 'prod/other' }));
    await smAs('AKIDALICE')
      .send(new GetSecretValueCommand({ SecretId: 'not-in-inventory' }))
      .catch(() => undefined);

    const first = await ingest(connection.id);
    // 2 creates + 5 reads.
    expect(first).toMatchObject({ status: 'ok', fetched: 7, inserted: 7 });
    // CloudTrail times have whole seconds: order by what was asked instead.
    const reads = (await db.accessEvent.findMany({ where: { connectionId: connection.id, eventName: 'GetSecretValue' } })).sort((a, b) =>
      a.secretRef < b.secretRef ? -1 : 1,
    );
    expect(reads.map((r) => [r.secretRef, r.secretId, r.principal, r.errorCode])).toEqual([
      [arn.slice(0, -7), byArn.id, ALICE, null],
      [arn, byArn.id, APP_ROLE, null],
      ['not-in-inventory', null, ALICE, 'ResourceNotFoundException'],
      ['prod/billing/db', byArn.id, APP_ROLE, null],
      ['prod/other', byName.id, ALICE, null],
    ]);
    const newest = (rows: { occurredAt: Date }[]) => Math.max(...rows.map((r) => r.occurredAt.getTime()));
    expect(reads[3]).toMatchObject({ principalType: 'AssumedRole', sourceIp: expect.stringContaining('127.0.0.1') });
    expect(reads[3].summary).toMatchObject({ region: REGION, sessionArn: 'arn:aws:sts::123456789012:assumed-role/billing-api/i-0abc' });
    // last_read_at follows the newest successful read.
    const secret = await db.secret.findUniqueOrThrow({ where: { id: byArn.id } });
    expect(secret.lastReadAt?.getTime()).toBe(newest(reads.slice(0, 2).concat(reads[3])));
    // No value anywhere in what was stored.
    const all = await db.accessEvent.findMany({ where: { connectionId: connection.id } });
    expect(JSON.stringify(all)).not.toMatch(/canary-ingest-aws|x-other/);

    // A re-run reads the overlap window again and stores nothing new.
    const second = await ingest(connection.id);
    expect(second).toMatchObject({ status: 'ok', inserted: 0 });
    expect(second.fetched).toBeGreaterThan(0);
    expect(await db.accessEvent.count({ where: { connectionId: connection.id } })).toBe(7);
    const cursor = await db.accessIngestionCursor.findUniqueOrThrow({ where: { connectionId: connection.id } });
    expect(cursor).toMatchObject({ completedRuns: 2, lastError: null });
    expect(cursor.lastEventTime?.getTime()).toBe(newest(reads));
  });

  it('reads every page, pacing its calls, and starts later runs from the cursor minus the overlap', async () => {
    const { connection } = await setup();
    for (let i = 0; i < 120; i++) recordAppRead('prod/other');
    const result = await ingest(connection.id);
    expect(result).toMatchObject({ status: 'ok', fetched: 122, inserted: 122 });
    // 3 pages of at most 50 (the pacing itself: lib/access/pacer.test.ts).
    expect(trail.requests).toHaveLength(3);
    const cursor = await db.accessIngestionCursor.findUniqueOrThrow({ where: { connectionId: connection.id } });
    trail.requests.length = 0;
    await ingest(connection.id);
    expect(trail.requests[0].StartTime).toBe((cursor.lastEventTime!.getTime() - OVERLAP_MS) / 1000);
  });

  it('on throttling backs off, and when it persists stops without moving the cursor; the next run fills the gap', async () => {
    const { connection } = await setup();
    await ingest(connection.id);
    const before = await db.accessIngestionCursor.findUniqueOrThrow({ where: { connectionId: connection.id } });
    for (let i = 0; i < 60; i++) recordAppRead('prod/other');
    // Once: absorbed by a back-off.
    trail.faults.add({ operation: 'LookupEvents', error: 'throttled', times: 1 });
    sleeps.length = 0;
    expect(await ingest(connection.id)).toMatchObject({ status: 'ok', inserted: 60 });
    expect(sleeps).toContain(10);
    const afterOk = await db.accessIngestionCursor.findUniqueOrThrow({ where: { connectionId: connection.id } });

    for (let i = 0; i < 60; i++) recordAppRead('prod/billing/db');
    // First page through, then throttled on every retry: the run stops part-way.
    trail.faults.add({ operation: 'LookupEvents', error: 'throttled', after: 1 });
    const throttledAfterOne = await ingest(connection.id, { throttleRetries: 2, backoffMs: 1 });
    expect(throttledAfterOne.status).toBe('throttled');
    expect(throttledAfterOne.inserted).toBe(50);
    const mid = await db.accessIngestionCursor.findUniqueOrThrow({ where: { connectionId: connection.id } });
    expect(mid.lastError).toMatch(/throttled/);
    expect(mid.completedRuns).toBe(2);
    // The stopped run moved nothing: the next one re-reads its whole window.
    expect(mid.lastEventTime).toEqual(afterOk.lastEventTime);
    expect(afterOk.lastEventTime!.getTime()).toBeGreaterThanOrEqual(before.lastEventTime!.getTime());

    trail.faults.clear();
    const resumed = await ingest(connection.id);
    expect(resumed).toMatchObject({ status: 'ok', inserted: 10 });
    expect(await db.accessEvent.count({ where: { connectionId: connection.id } })).toBe(2 + 60 + 60);
    expect((await db.accessIngestionCursor.findUniqueOrThrow({ where: { connectionId: connection.id } })).lastError).toBeNull();
  });

  it('matches earlier reads of a secret added to the inventory later', async () => {
    const { connection } = await setup();
    await smAs('AKIDALICE').send(new CreateSecretCommand({ Name: 'prod/late', SecretString: 'x-late' }));
    await smAs('AKIDAPP').send(new GetSecretValueCommand({ SecretId: 'prod/late' }));
    await ingest(connection.id);
    expect(await db.accessEvent.count({ where: { connectionId: connection.id, secretRef: 'prod/late', secretId: null } })).toBe(2);
    const late = await seedConnectedSecret(connection.id, { providerRef: 'prod/late' });
    expect(await ingest(connection.id)).toMatchObject({ status: 'ok', inserted: 0 });
    expect(await db.accessEvent.count({ where: { connectionId: connection.id, secretId: late.id } })).toBe(2);
    expect((await db.secret.findUniqueOrThrow({ where: { id: late.id } })).lastReadAt).not.toBeNull();
  });

  it("a region other than the connection's, in an ARN, matches nothing", async () => {
    const { connection } = await setup();
    recordAppRead('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/other-AbCdEf');
    recordAppRead('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/other-AbCdEf');
    await ingest(connection.id);
    const rows = await db.accessEvent.findMany({ where: { connectionId: connection.id, eventName: 'GetSecretValue' }, orderBy: { secretRef: 'asc' } });
    expect(rows.map((r) => [r.secretRef.split(':')[3], r.secretId === null])).toEqual([
      ['eu-west-1', false],
      ['us-east-1', true],
    ]);
  });
});

describe('GCP: Cloud Audit Logs', () => {
  const PROJECT = 'acme-prod';
  const NUMBER = '555000111222';
  const { logging, sm, smClient: client } = useGcpAuditEmulators({ [PROJECT]: NUMBER });
  // Before the emulators close (hooks after tests run last-registered first): the app's cached clients hold channels to them.
  afterAll(closeLoggingClients);

  const ingest = (connectionId: string, extra = {}) =>
    ingestAccessEvents(connectionId, systemClock, { loggingEndpoint: logging.endpoint, sleep: fastSleep, ...extra });

  async function setup() {
    const connection = await seedConnection('gcp', { projectId: PROJECT, endpoint: sm.endpoint });
    await client.createSecret({ parent: `projects/${PROJECT}`, secretId: 'db', secret: { replication: { automatic: {} } } });
    await client.addSecretVersion({ parent: `projects/${PROJECT}/secrets/db`, payload: { data: Buffer.from('canary-ingest-gcp') } });
    // One inventory ref is the full resource name (by project id), the other a bare id.
    const db1 = await seedConnectedSecret(connection.id, { providerRef: `projects/${PROJECT}/secrets/db` });
    await client.createSecret({ parent: `projects/${PROJECT}`, secretId: 'api', secret: { replication: { automatic: {} } } });
    await client.addSecretVersion({ parent: `projects/${PROJECT}/secrets/api`, payload: { data: Buffer.from('x') } });
    const api = await seedConnectedSecret(connection.id, { providerRef: 'api' });
    return { connection, db1, api };
  }

  it('matches projects/<number> entries to inventory refs by id, pages, and a re-run stores nothing new', async () => {
    const { connection, db1, api } = await setup();
    logging.setCaller('billing@acme-prod.iam.gserviceaccount.com');
    await client.accessSecretVersion({ name: `projects/${PROJECT}/secrets/db/versions/latest` });
    await client.accessSecretVersion({ name: `projects/${NUMBER}/secrets/db/versions/1` });
    logging.setCaller('alice@acme.example');
    await client.accessSecretVersion({ name: `projects/${PROJECT}/secrets/api/versions/1` });
    await client.accessSecretVersion({ name: `projects/${PROJECT}/secrets/api/versions/9` }).catch(() => undefined);

    const first = await ingest(connection.id, { pageSize: 3 });
    expect(first).toMatchObject({ status: 'ok', fetched: 8, inserted: 8 });
    const reads = await db.accessEvent.findMany({ where: { connectionId: connection.id, eventName: 'AccessSecretVersion' }, orderBy: { occurredAt: 'asc' } });
    expect(reads.map((r) => [r.secretRef, r.secretId, r.principal, r.principalType, r.errorCode])).toEqual([
      [`projects/${NUMBER}/secrets/db/versions/1`, db1.id, 'billing@acme-prod.iam.gserviceaccount.com', 'serviceAccount', null],
      [`projects/${NUMBER}/secrets/db/versions/1`, db1.id, 'billing@acme-prod.iam.gserviceaccount.com', 'serviceAccount', null],
      [`projects/${NUMBER}/secrets/api/versions/1`, api.id, 'alice@acme.example', 'user', null],
      [`projects/${NUMBER}/secrets/api/versions/9`, api.id, 'alice@acme.example', 'user', 'NOT_FOUND'],
    ]);
    expect(JSON.stringify(await db.accessEvent.findMany())).not.toContain('canary-ingest-gcp');
    const cursor = await db.accessIngestionCursor.findUniqueOrThrow({ where: { connectionId: connection.id } });
    expect(cursor).toMatchObject({ dataAccessLogsSeen: true, completedRuns: 1 });
    expect((await db.secret.findUniqueOrThrow({ where: { id: api.id } })).lastReadAt?.getTime()).toBe(reads[2].occurredAt.getTime());

    expect(await ingest(connection.id)).toMatchObject({ status: 'ok', inserted: 0 });
    expect(await db.accessEvent.count({ where: { connectionId: connection.id } })).toBe(8);
    // The filter sent starts at the cursor minus the overlap window.
    const sent = logging.requests.at(-1)!.filter as string;
    expect(sent).toBe(
      `protoPayload.serviceName="secretmanager.googleapis.com" AND timestamp>="${new Date(cursor.lastEventTime!.getTime() - OVERLAP_MS).toISOString()}"`,
    );
  });

  it('Data Access logs off: admin activity arrives, reads do not, and the cursor says logs were never seen', async () => {
    logging.setDataAccessLogs(false);
    const { connection } = await setup();
    await client.accessSecretVersion({ name: `projects/${PROJECT}/secrets/db/versions/1` });
    const result = await ingest(connection.id);
    expect(result).toMatchObject({ status: 'ok', inserted: 4 });
    expect(await db.accessEvent.count({ where: { connectionId: connection.id, eventName: 'AccessSecretVersion' } })).toBe(0);
    expect(await db.accessIngestionCursor.findUniqueOrThrow({ where: { connectionId: connection.id } })).toMatchObject({
      dataAccessLogsSeen: false,
      completedRuns: 1,
    });
  });

  it('a failing log API is recorded in our words and the cursor stays', async () => {
    const { connection } = await setup();
    logging.faults.add({ operation: 'ListLogEntries', error: 'permission_denied' });
    const result = await ingest(connection.id);
    expect(result.status).toBe('failed');
    const cursor = await db.accessIngestionCursor.findUniqueOrThrow({ where: { connectionId: connection.id } });
    expect(cursor.lastError).toMatch(/may not read the provider's access logs/);
    expect(cursor.lastEventTime).toBeNull();
    expect(cursor.completedRuns).toBe(0);
  });
});
