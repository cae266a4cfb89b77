// Conformance of the CloudTrail LookupEvents and Cloud Logging emulators against
// cloud-apis.md A.5 and B.6, driven by the real SDK clients over loopback, and fed by the
// Secrets Manager emulators' own calls. Access ingestion trusts these, so they are pinned here.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logging } from '@google-cloud/logging';
import * as grpc from '@grpc/grpc-js';
import { decodeAuditLog } from '@/lib/access/audit-log-wire';
import { startCloudTrailEmulator, type CloudTrailEmulator } from '../emulators/aws-cloudtrail';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { expectAwsError } from '../support/aws-client';
import { useGcpAuditEmulators } from '../support/gcp-audit-emulators';

const REGION = 'eu-west-1';
const creds = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'test-only-secret-access-key' });

describe('CloudTrail LookupEvents emulator', () => {
  let trail: CloudTrailEmulator;
  let sm: AwsSecretsManagerEmulator;
  let frozen = 0;
  let freeze = false;
  let ct: CloudTrailClient;
  const smAs = (akid: string) => new SecretsManagerClient({ region: REGION, endpoint: sm.endpoint, credentials: creds(akid), maxAttempts: 1 });
  const lookup = (input: LookupEventsCommandInput) => ct.send(new LookupEventsCommand(input));

  beforeAll(async () => {
    trail = await startCloudTrailEmulator({
      // Frozen for the throttling test; real time elsewhere (2 requests/s: see pace()).
      rateClock: () => (freeze ? frozen : performance.now()),
      identities: {
        AKIDAPP: { type: 'AssumedRole', roleArn: 'arn:aws:iam::123456789012:role/billing-api', sessionName: 'i-0abc' },
        AKIDALICE: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice', userName: 'alice' },
      },
    });
    sm = await startAwsSecretsManagerEmulator({ onCall: trail.recordSecretsManagerCall });
    ct = new CloudTrailClient({ region: REGION, endpoint: trail.endpoint, credentials: creds('AKIDREADER'), maxAttempts: 1 });
  });
  afterAll(async () => {
    ct.destroy();
    await trail.close();
    await sm.close();
  });
  beforeEach(() => {
    trail.reset();
    sm.reset();
    freeze = false;
  });
  // Real time passes between tests' calls; 2 req/s would make a test of 5 calls wait.
  const pace = () => new Promise((r) => setTimeout(r, 520));

  test('reads become events with the documented record shape; secretId as the caller passed it', async () => {
    const { ARN } = await smAs('AKIDALICE').send(new CreateSecretCommand({ Name: 'prod/db', SecretString: 'canary-ct-value' }));
    await smAs('AKIDAPP').send(new GetSecretValueCommand({ SecretId: 'prod/db' }));
    await smAs('AKIDAPP').send(new GetSecretValueCommand({ SecretId: ARN! }));
    await smAs('AKIDALICE').send(new GetSecretValueCommand({ SecretId: ARN!.slice(0, -7) }));
    await expect(smAs('AKIDALICE').send(new GetSecretValueCommand({ SecretId: 'missing' }))).rejects.toThrow();

    const out = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetSecretValue' }] });
    expect(out.Events).toHaveLength(4);
    const records = out.Events!.map((e) => JSON.parse(e.CloudTrailEvent!));
    // Newest first.
    expect(records.map((r) => r.requestParameters.secretId)).toEqual(['missing', ARN!.slice(0, -7), ARN, 'prod/db']);
    const [missing, partial, full] = records;
    expect(missing.errorCode).toBe('ResourceNotFoundException');
    expect(partial.userIdentity).toMatchObject({ type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice', userName: 'alice' });
    expect(full.userIdentity).toMatchObject({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/billing-api/i-0abc',
      sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::123456789012:role/billing-api' } },
    });
    expect(full).toMatchObject({
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'GetSecretValue',
      eventType: 'AwsApiCall',
      eventCategory: 'Management',
      managementEvent: true,
      readOnly: true,
      awsRegion: REGION,
      responseElements: null,
      recipientAccountId: '123456789012',
    });
    expect(full.eventID).toBe(out.Events![2].EventId);
    expect(out.Events![2].ReadOnly).toBe('true');
    expect(out.Events![2].EventTime).toBeInstanceOf(Date);
    expect(out.Events![2].Resources).toEqual([{ ResourceType: 'AWS::SecretsManager::Secret', ResourceName: ARN }]);
    // The value is nowhere in the trail.
    expect(JSON.stringify(trail.events())).not.toContain('canary-ct-value');
  });

  test('pages with NextToken, which must be replayed with the same parameters', async () => {
    for (let i = 0; i < 7; i++)
      trail.recordEvent({
        operation: 'GetSecretValue',
        input: { SecretId: `s${i}` },
        region: REGION,
        accountId: '123456789012',
        accessKeyId: 'AKIDAPP',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      await pace();
      const out = await lookup({
        MaxResults: 3,
        NextToken: token,
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'secretsmanager.amazonaws.com' }],
      });
      seen.push(...out.Events!.map((e) => JSON.parse(e.CloudTrailEvent!).requestParameters.secretId));
      token = out.NextToken;
      pages++;
      if (pages === 1) {
        // An event arriving mid-listing does not shift the pages.
        trail.recordEvent({
          operation: 'GetSecretValue',
          input: { SecretId: 'late' },
          region: REGION,
          accountId: '123456789012',
          accessKeyId: 'AKIDAPP',
          sourceIp: '127.0.0.1',
          userAgent: 'test',
        });
        await pace();
        await expectAwsError(lookup({ MaxResults: 2, NextToken: token }), { name: 'InvalidNextTokenException', status: 400 });
      }
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(['s6', 's5', 's4', 's3', 's2', 's1', 's0']);
  });

  test('validates attributes, MaxResults, time range and the 90-day window', async () => {
    const attr = { AttributeKey: 'EventName' as const, AttributeValue: 'GetSecretValue' };
    await expectAwsError(lookup({ LookupAttributes: [attr, attr] }), { name: 'InvalidLookupAttributesException', status: 400 });
    await pace();
    await expectAwsError(lookup({ MaxResults: 51 }), { name: 'InvalidMaxResultsException', status: 400 });
    await pace();
    await expectAwsError(lookup({ StartTime: new Date(Date.now() - 1000), EndTime: new Date(Date.now() - 60_000) }), {
      name: 'InvalidTimeRangeException',
      status: 400,
    });
    await pace();
    await expectAwsError(lookup({ StartTime: new Date(Date.now() - 91 * 86_400_000) }), { name: 'InvalidTimeRangeException', status: 400 });
    await pace();
    await expectAwsError(lookup({ EventCategory: 'other' as 'insight' }), { name: 'InvalidEventCategoryException', status: 400 });
    await pace();
    // Inside the window: only the events in range come back.
    trail.recordEvent({
      operation: 'GetSecretValue',
      input: { SecretId: 'old' },
      region: REGION,
      accountId: '1',
      accessKeyId: 'A',
      sourceIp: '::1',
      userAgent: 't',
      eventTime: new Date(Date.now() - 10 * 86_400_000),
    });
    trail.recordEvent({
      operation: 'GetSecretValue',
      input: { SecretId: 'new' },
      region: REGION,
      accountId: '1',
      accessKeyId: 'A',
      sourceIp: '::1',
      userAgent: 't',
    });
    const out = await lookup({ StartTime: new Date(Date.now() - 86_400_000) });
    expect(out.Events!.map((e) => JSON.parse(e.CloudTrailEvent!).requestParameters.secretId)).toEqual(['new']);
  });

  test('throttles beyond 2 requests per second', async () => {
    freeze = true;
    // Just below 2^20 ms, where in floating point (frozen + 500) - frozen is 499.99999999999:
    // the bucket must still give back exactly one token after half a second.
    frozen = 2 ** 20 - 499.6877;
    trail.reset(); // a full bucket at the frozen instant
    await lookup({});
    await lookup({});
    await expectAwsError(lookup({}), { name: 'ThrottlingException', status: 400 });
    frozen += 500; // one token back after half a second
    await lookup({});
    await expectAwsError(lookup({}), { name: 'ThrottlingException', status: 400 });
  });
});

describe('Cloud Logging emulator', () => {
  const PROJECT = 'acme-prod';
  const NUMBER = '555000111222';
  const { logging, smClient } = useGcpAuditEmulators({ [PROJECT]: NUMBER });
  let client: Logging;

  beforeAll(() => {
    client = new Logging({
      projectId: PROJECT,
      apiEndpoint: '127.0.0.1',
      port: logging.port,
      sslCreds: grpc.credentials.createInsecure(),
    } as ConstructorParameters<typeof Logging>[0]);
  });

  const FILTER = 'protoPayload.serviceName="secretmanager.googleapis.com" AND timestamp>="2000-01-01T00:00:00Z"';

  async function seed() {
    await smClient.createSecret({ parent: `projects/${PROJECT}`, secretId: 'db', secret: { replication: { automatic: {} } } });
    await smClient.addSecretVersion({ parent: `projects/${PROJECT}/secrets/db`, payload: { data: Buffer.from('canary-gcp-log') } });
    logging.setCaller('billing@acme-prod.iam.gserviceaccount.com');
    await smClient.accessSecretVersion({ name: `projects/${PROJECT}/secrets/db/versions/latest` });
  }

  test('AccessSecretVersion becomes a Data Access entry with the documented AuditLog; writes go to Admin Activity', async () => {
    await seed();
    const [entries] = await client.getEntries({ filter: FILTER, orderBy: 'timestamp asc', resourceNames: [`projects/${PROJECT}`], autoPaginate: false });
    expect(entries.map((e) => e.metadata.logName)).toEqual([
      `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity`,
      `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity`,
      `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Fdata_access`,
    ]);
    const access = entries[2];
    expect(access.metadata.insertId).toMatch(/^[0-9a-f]{12}$/);
    expect(access.metadata.timestamp).toBeInstanceOf(Date);
    const any = access.metadata.protoPayload as { type_url?: string; typeUrl?: string; value: Uint8Array };
    expect(any.type_url ?? any.typeUrl).toBe('type.googleapis.com/google.cloud.audit.AuditLog');
    expect(decodeAuditLog(any.value)).toEqual({
      serviceName: 'secretmanager.googleapis.com',
      methodName: 'google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion',
      // The project by number, the version resolved.
      resourceName: `projects/${NUMBER}/secrets/db/versions/1`,
      authenticationInfo: { principalEmail: 'billing@acme-prod.iam.gserviceaccount.com' },
      requestMetadata: { callerIp: expect.stringMatching(/127\.0\.0\.1/), callerSuppliedUserAgent: expect.any(String) },
    });
    expect(JSON.stringify(logging.entries())).not.toContain('canary-gcp-log');
  });

  test('pages with page tokens, in either order, and honours the timestamp filter', async () => {
    await seed();
    const [page1, , response1] = await client.getEntries({ filter: FILTER, orderBy: 'timestamp desc', pageSize: 2, autoPaginate: false });
    expect(page1).toHaveLength(2);
    const token = (response1 as { nextPageToken?: string }).nextPageToken;
    expect(token).toBeTruthy();
    const [page2, , response2] = await client.getEntries({ filter: FILTER, orderBy: 'timestamp desc', pageSize: 2, pageToken: token, autoPaginate: false });
    expect(page2).toHaveLength(1);
    expect((response2 as { nextPageToken?: string }).nextPageToken ?? '').toBe('');
    const times = [...page1, ...page2].map((e) => (e.metadata.timestamp as Date).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // A token from another query is refused.
    await expect(client.getEntries({ filter: `${FILTER} AND protoPayload.methodName="x"`, pageToken: token, autoPaginate: false })).rejects.toMatchObject({
      code: 3,
    });
    // Only entries at or after the cursor.
    const cut = new Date(times[1]).toISOString();
    const [later] = await client.getEntries({
      filter: `protoPayload.serviceName="secretmanager.googleapis.com" AND timestamp>="${cut}"`,
      orderBy: 'timestamp asc',
      autoPaginate: false,
    });
    expect(later).toHaveLength(2);
    // A filter term it cannot honour fails loudly.
    await expect(client.getEntries({ filter: 'jsonPayload.x:"y" AND timestamp>="2000-01-01T00:00:00Z"', autoPaginate: false })).rejects.toMatchObject({
      code: 3,
    });
  });

  test('with Data Access logs off, reads leave no entry (admin activity still does)', async () => {
    logging.setDataAccessLogs(false);
    await seed();
    const [entries] = await client.getEntries({ filter: FILTER, autoPaginate: false });
    expect(entries.map((e) => String(e.metadata.logName).split('%2F')[1])).toEqual(['activity', 'activity']);
  });
});
