// Adoption evidence from the provider's access history, end to end: real SDK calls (and a
// few recorded events) to the Secrets Manager / Secret Manager emulators, logged by the
// CloudTrail and Cloud Logging emulators, ingested by the real ingestion into PostgreSQL,
// then read back as observations of the secret's declared consumers and of undeclared readers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { v1 } from '@google-cloud/secret-manager';
import * as grpc from '@grpc/grpc-js';
import { closeLoggingClients } from '@/lib/access/audit-log-source';
import { ingestAccessEvents } from '@/lib/access/ingest';
import { systemClock } from '@/lib/clock';
import { db } from '@/lib/db';
import { AwsSecretsManagerProvider } from '@/lib/providers/aws';
import { GcpSecretManagerProvider } from '@/lib/providers/gcp';
import { closeGcpClients } from '@/lib/providers/gcp-client';
import { declaredConsumers } from '@/lib/rotation/adoption/consumers';
import { providerObservations } from '@/lib/rotation/adoption/provider-evidence';
import type { Observation } from '@/lib/rotation/adoption/types';
import { startCloudTrailEmulator, type CloudTrailEmulator } from '../emulators/aws-cloudtrail';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { startGcpLoggingEmulator, type GcpLoggingEmulator } from '../emulators/gcp-logging';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../emulators/gcp-secret-manager';
import { seedConnectedSecret, seedConnection, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const MIN = 60_000;
// Whole seconds, as CloudTrail reports them; well inside both log windows.
const PROMOTED = new Date(Math.floor((Date.now() - 2 * 3600_000) / 1000) * 1000);
const at = (minutes: number) => new Date(PROMOTED.getTime() + minutes * MIN);
const fastSleep = async () => {};

/** Declares systems (name, principals, status) as consumers of the secret. */
async function declare(secretId: string, systems: { name: string; principals: string[]; status?: 'active' | 'decommissioned' }[]) {
  const team = await seedTeam();
  const ids: Record<string, string> = {};
  for (const s of systems) {
    const system = await seedSystem(team.id, `${s.name}-${secretId.slice(0, 8)}`);
    await db.system.update({ where: { id: system.id }, data: { principals: s.principals, status: s.status ?? 'active' } });
    await db.secretConsumer.create({ data: { secretId, systemId: system.id } });
    ids[s.name] = system.id;
  }
  return ids;
}

const byKey = (observations: Observation[]) => new Map(observations.map((o) => [o.key, o]));

describe('AWS: CloudTrail reads after promotion', () => {
  const REGION = 'eu-west-1';
  const ACCOUNT = '123456789012';
  const ORDERS = `arn:aws:iam::${ACCOUNT}:user/orders`;
  const STRAY = `arn:aws:iam::${ACCOUNT}:user/stray`;
  const LEDGER = `arn:aws:iam::${ACCOUNT}:user/ledger`;
  // The role has a path; the system declares it without one.
  const BILLING_ROLE = `arn:aws:iam::${ACCOUNT}:role/service/billing-api`;
  const DASHBOARD_ROLE = `arn:aws:iam::${ACCOUNT}:role/dashboard`;
  let trail: CloudTrailEmulator;
  let sm: AwsSecretsManagerEmulator;
  let now = at(-30);
  const smAs = (akid: string) =>
    new SecretsManagerClient({ region: REGION, endpoint: sm.endpoint, credentials: { accessKeyId: akid, secretAccessKey: 'x' }, maxAttempts: 1 });

  beforeAll(async () => {
    trail = await startCloudTrailEmulator({
      ratePerSecond: 1000,
      now: () => now,
      identities: {
        AKIDORDERS: { type: 'IAMUser', arn: ORDERS, userName: 'orders' },
        AKIDSTRAY: { type: 'IAMUser', arn: STRAY, userName: 'stray' },
        AKIDLEDGER: { type: 'IAMUser', arn: LEDGER, userName: 'ledger' },
        AKIDBILLING: { type: 'AssumedRole', roleArn: BILLING_ROLE, sessionName: 'i-0abc' },
        // The dashboard's assume-role session, seen from a client without its user agent.
        AKIDDASHROLE: { type: 'AssumedRole', roleArn: DASHBOARD_ROLE, sessionName: 'secret-inventory-dashboard' },
      },
    });
    sm = await startAwsSecretsManagerEmulator({ onCall: trail.recordSecretsManagerCall });
  });
  afterAll(async () => {
    await trail.close();
    await sm.close();
  });

  it('names who moved, who is still on the old value, and undeclared readers of it', async () => {
    const connection = await seedConnection('aws', { region: REGION, endpoint: sm.endpoint });
    const admin = smAs('AKIDADMIN');
    const created = await admin.send(new CreateSecretCommand({ Name: 'prod/orders/db', SecretString: 'canary-adopt-old' }));
    const oldId = created.VersionId!;
    const secret = await seedConnectedSecret(connection.id, { providerRef: 'prod/orders/db' });
    const systems = await declare(secret.id, [
      { name: 'orders', principals: [ORDERS] },
      { name: 'billing', principals: [`arn:aws:iam::${ACCOUNT}:role/billing-api`] },
      { name: 'ledger', principals: [LEDGER] },
      { name: 'blind', principals: [] },
      { name: 'retired', principals: [STRAY], status: 'decommissioned' },
    ]);

    // Before promotion: reads count for nothing, whatever they asked for.
    await smAs('AKIDORDERS').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db' }));
    await smAs('AKIDBILLING').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db' }));
    await smAs('AKIDLEDGER').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db', VersionStage: 'AWSCURRENT' }));

    // Promotion: the new version becomes AWSCURRENT, the old one AWSPREVIOUS.
    now = at(0);
    const put = await admin.send(new PutSecretValueCommand({ SecretId: 'prod/orders/db', SecretString: 'canary-adopt-new' }));
    const newId = put.VersionId!;

    now = at(1);
    await smAs('AKIDORDERS').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db' }));
    now = at(2);
    await smAs('AKIDORDERS').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db', VersionId: newId }));
    // An assumed-role session of the billing role: one instance reads the new value, another
    // keeps reading the old one, by stage and by id, later.
    now = at(3);
    await smAs('AKIDBILLING').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db', VersionStage: 'AWSCURRENT' }));
    now = at(4);
    await smAs('AKIDBILLING').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db', VersionStage: 'AWSPREVIOUS' }));
    now = at(5);
    await smAs('AKIDBILLING').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db', VersionId: oldId }));
    // An undeclared reader (its system is decommissioned) on the old value.
    now = at(6);
    await smAs('AKIDSTRAY').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db', VersionId: oldId }));
    // Ledger's only read after promotion failed: it counts for nothing.
    now = at(7);
    trail.recordEvent({
      operation: 'GetSecretValue',
      input: { SecretId: 'prod/orders/db', VersionStage: 'AWSPREVIOUS' },
      region: REGION,
      accountId: ACCOUNT,
      accessKeyId: 'AKIDLEDGER',
      sourceIp: '10.0.0.9',
      userAgent: 'ledger/1.0',
      errorCode: 'AccessDeniedException',
    });
    // The dashboard's own reads of the old value: by its user agent, and by its role session.
    now = at(8);
    const provider = new AwsSecretsManagerProvider({ kind: 'aws', region: REGION, endpoint: sm.endpoint }, { timeoutMs: 4000 });
    expect((await provider.readValue('prod/orders/db', oldId)).reveal()).toBe('canary-adopt-old');
    await smAs('AKIDDASHROLE').send(new GetSecretValueCommand({ SecretId: 'prod/orders/db', VersionStage: 'AWSPREVIOUS' }));

    expect(await ingestAccessEvents(connection.id, systemClock, { cloudTrailEndpoint: trail.endpoint, sleep: fastSleep })).toMatchObject({ status: 'ok' });
    // The dashboard's own reads are in the history (its user agent; its role session), and left out below.
    const own = await db.accessEvent.findMany({ where: { secretId: secret.id, occurredAt: at(8) } });
    expect(own.map((e) => [e.principal, e.userAgent?.includes('secret-inventory-dashboard')]).sort()).toEqual([
      [DASHBOARD_ROLE, false],
      ['arn:aws:iam::123456789012:user/AKIDTESTONLY', true],
    ]);
    const declared = await declaredConsumers(secret.id);
    // Active systems only, by name.
    expect(declared.map((d) => d.systemId)).toEqual([systems.billing, systems.blind, systems.ledger, systems.orders]);

    const run = { secretId: secret.id, promotedAt: PROMOTED, previousVersionId: oldId, newVersionId: newId };
    const observations = await providerObservations(run, declared);
    const seen = byKey(observations);
    expect(observations.map((o) => o.key)).toEqual([
      `system:${systems.billing}`,
      `system:${systems.blind}`,
      `system:${systems.ledger}`,
      `system:${systems.orders}`,
      `principal:${STRAY}`,
    ]);

    expect(seen.get(`system:${systems.orders}`)).toEqual({
      key: `system:${systems.orders}`,
      systemId: systems.orders,
      label: declared.find((d) => d.systemId === systems.orders)!.name,
      declared: true,
      observable: true,
      movedAt: at(1),
      onOld: false,
      oldSeenAt: null,
      evidence: {
        principal: ORDERS,
        eventName: 'GetSecretValue',
        occurredAt: at(1).toISOString(),
        version: null,
        stage: null,
        sourceIp: expect.stringContaining('127.0.0.1'),
        userAgent: expect.stringContaining('aws-sdk-js'),
        reads: 2,
        oldReads: 0,
      },
    });
    // The session matched its role; an old read after its first new one keeps it on the old value.
    expect(seen.get(`system:${systems.billing}`)).toMatchObject({
      movedAt: at(3),
      onOld: true,
      oldSeenAt: at(5),
      evidence: { principal: BILLING_ROLE, occurredAt: at(5).toISOString(), version: oldId, reads: 3, oldReads: 2 },
    });
    expect(seen.get(`system:${systems.ledger}`)).toMatchObject({ movedAt: null, onOld: false, oldSeenAt: null, evidence: { reads: 0, oldReads: 0 } });
    expect(seen.get(`system:${systems.blind}`)).toMatchObject({ observable: false, movedAt: null, onOld: false });
    expect(seen.get(`principal:${STRAY}`)).toMatchObject({
      systemId: null,
      label: STRAY,
      declared: false,
      observable: true,
      movedAt: null,
      onOld: true,
      oldSeenAt: at(6),
      evidence: { principal: STRAY, version: oldId, oldReads: 1 },
    });
    // Identifiers only.
    expect(JSON.stringify(observations)).not.toContain('canary-adopt');

    // The same history read against the previous run's facts: before that promotion nothing counted.
    const later = await providerObservations({ ...run, promotedAt: at(5) }, declared);
    expect(byKey(later).get(`system:${systems.orders}`)).toMatchObject({ movedAt: null, onOld: false, evidence: { reads: 0 } });
    expect(byKey(later).get(`system:${systems.billing}`)).toMatchObject({ movedAt: null, onOld: true, oldSeenAt: at(5), evidence: { reads: 1 } });
  });
});

describe('GCP: Cloud Audit Logs reads after promotion', () => {
  const PROJECT = 'acme-prod';
  const NUMBER = '555000111222';
  const ORDERS = 'orders@acme-prod.iam.gserviceaccount.com';
  const BILLING = 'billing@acme-prod.iam.gserviceaccount.com';
  const STRAY = 'stray@acme.example';
  const LEDGER = 'ledger@acme-prod.iam.gserviceaccount.com';
  let logging: GcpLoggingEmulator;
  let sm: GcpSecretManagerEmulator;
  let client: v1.SecretManagerServiceClient;
  let now = at(-30);

  beforeAll(async () => {
    logging = await startGcpLoggingEmulator({ now: () => now });
    sm = await startGcpSecretManagerEmulator({ projectNumbers: { [PROJECT]: NUMBER }, onCall: logging.recordSecretManagerCall });
    client = new v1.SecretManagerServiceClient({ apiEndpoint: '127.0.0.1', port: sm.port, sslCreds: grpc.credentials.createInsecure() });
  });
  afterAll(async () => {
    await client.close();
    await closeGcpClients();
    await closeLoggingClients();
    await sm.close();
    await logging.close();
  });

  const access = (caller: string, version: string) => {
    logging.setCaller(caller);
    return client.accessSecretVersion({ name: `projects/${PROJECT}/secrets/orders-db/versions/${version}` });
  };

  it('latest or the new number has moved; the previous number is the old value', async () => {
    const connection = await seedConnection('gcp', { projectId: PROJECT, endpoint: sm.endpoint });
    await client.createSecret({ parent: `projects/${PROJECT}`, secretId: 'orders-db', secret: { replication: { automatic: {} } } });
    await client.addSecretVersion({ parent: `projects/${PROJECT}/secrets/orders-db`, payload: { data: Buffer.from('canary-gcp-old') } });
    const secret = await seedConnectedSecret(connection.id, { providerRef: `projects/${PROJECT}/secrets/orders-db` });
    const systems = await declare(secret.id, [
      { name: 'orders', principals: [ORDERS] },
      // An IAM member string, in other case: still the same service account.
      { name: 'billing', principals: [`serviceAccount:${BILLING.toUpperCase()}`] },
      { name: 'ledger', principals: [LEDGER] },
    ]);

    await access(ORDERS, 'latest');
    await access(BILLING, '1');

    now = at(0);
    const [added] = await client.addSecretVersion({ parent: `projects/${PROJECT}/secrets/orders-db`, payload: { data: Buffer.from('canary-gcp-new') } });
    // The run knows versions by their full resource name or their number: both work.
    const newVersion = added.name!;

    now = at(1);
    await access(ORDERS, 'latest');
    now = at(2);
    await access(BILLING, '2');
    now = at(3);
    await access(BILLING, '1');
    now = at(4);
    await access(STRAY, '1');
    // A failed read of the old value counts for nothing.
    now = at(5);
    logging.setCaller(LEDGER);
    logging.recordSecretManagerCall({
      rpc: 'AccessSecretVersion',
      requestName: `projects/${PROJECT}/secrets/orders-db/versions/1`,
      projectId: PROJECT,
      projectNumber: NUMBER,
      code: 7,
      callerIp: '10.0.0.9',
      userAgent: 'ledger/1.0',
    });
    // The dashboard's own read of the previous version.
    now = at(6);
    logging.setCaller('dashboard@acme-prod.iam.gserviceaccount.com');
    const provider = new GcpSecretManagerProvider({ kind: 'gcp', projectId: PROJECT, endpoint: sm.endpoint }, { timeoutMs: 4000 });
    expect((await provider.readValue(`projects/${PROJECT}/secrets/orders-db`, '1')).reveal()).toBe('canary-gcp-old');

    expect(await ingestAccessEvents(connection.id, systemClock, { loggingEndpoint: logging.endpoint, sleep: fastSleep })).toMatchObject({ status: 'ok' });
    const own = await db.accessEvent.findFirstOrThrow({ where: { secretId: secret.id, principal: 'dashboard@acme-prod.iam.gserviceaccount.com' } });
    expect(own.userAgent).toContain('secret-inventory-dashboard');

    const declared = await declaredConsumers(secret.id);
    const run = { secretId: secret.id, promotedAt: PROMOTED, previousVersionId: '1', newVersionId: newVersion };
    const observations = await providerObservations(run, declared);
    expect(observations.map((o) => o.key)).toEqual([`system:${systems.billing}`, `system:${systems.ledger}`, `system:${systems.orders}`, `principal:${STRAY}`]);
    const seen = byKey(observations);
    expect(seen.get(`system:${systems.orders}`)).toMatchObject({
      movedAt: expect.any(Date),
      onOld: false,
      oldSeenAt: null,
      // The emulator, like Google, logs `latest` resolved to its number.
      evidence: { principal: ORDERS, eventName: 'AccessSecretVersion', version: '2', stage: null, reads: 1, oldReads: 0 },
    });
    expect(seen.get(`system:${systems.orders}`)!.movedAt!.getTime()).toBeGreaterThanOrEqual(at(1).getTime());
    expect(seen.get(`system:${systems.billing}`)).toMatchObject({ onOld: true, evidence: { principal: BILLING, version: '1', reads: 2, oldReads: 1 } });
    expect(seen.get(`system:${systems.billing}`)!.oldSeenAt!.getTime()).toBeGreaterThan(seen.get(`system:${systems.billing}`)!.movedAt!.getTime());
    expect(seen.get(`system:${systems.ledger}`)).toMatchObject({ movedAt: null, onOld: false, evidence: { reads: 0 } });
    expect(seen.get(`principal:${STRAY}`)).toMatchObject({
      declared: false,
      label: STRAY,
      movedAt: null,
      onOld: true,
      evidence: { version: '1', oldReads: 1 },
    });
    expect(JSON.stringify(observations)).not.toContain('canary-gcp');

    // A run that names its versions by number reads the same.
    const byNumber = await providerObservations({ ...run, previousVersionId: `projects/${NUMBER}/secrets/orders-db/versions/1`, newVersionId: '2' }, declared);
    expect(byNumber.map((o) => [o.key, o.onOld, o.movedAt !== null])).toEqual(observations.map((o) => [o.key, o.onOld, o.movedAt !== null]));
  });
});
