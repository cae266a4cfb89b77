// Provider access-history exports against real PostgreSQL: CSV and JSON Lines parse and
// hold exactly the events each filter selects, oldest first across batches and pinned at
// the start; bad filters are refused by name; exports are audited and refused (audited)
// to roles without audit.export; evidence bundles carry the access files for the audit
// filters that map and still verify; and events ingested from the CloudTrail emulator
// after real reads and writes reach the export without any value.
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ingestAccessEvents } from '@/lib/access/ingest';
import { ZBundleManifest } from '@/lib/export/bundle/manifest';
import { verifyBundle } from '@/lib/export/bundle/verify';
import type { Caller } from '@/lib/auth/caller';
import { systemClock } from '@/lib/clock';
import { ACCESS_EXPORT_BATCH, ACCESS_EXPORT_COLUMNS, accessEventsSource } from '@/lib/export/sources/access-events';
import { exportRows } from '@/lib/export/run';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import { parseAccessExportQuery } from '@/lib/validation/access-export';
import { startCloudTrailEmulator, type CloudTrailEmulator } from '../emulators/aws-cloudtrail';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { BUNDLE_FILE_NAMES, makeBundle, readZip, streamText, writeZip } from '../support/bundle-zip';
import { callerAs, seedConnectedSecret, seedConnection } from '../support/seed';
import { exportEvent } from '../support/export-event';
import { exportedInBothFormats, parseCsv, parseJsonl } from '../support/export-formats';
import { useTestDatabase } from '../support/test-database';

const session = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock('@/lib/auth/session', () => ({ getCaller: async () => session.caller }));
const { GET: accessRoute } = await import('@/app/api/export/access/route');

useTestDatabase();

beforeEach(() => {
  session.caller = null;
});

type Seed = { connectionId: string; secretId?: string | null; principal?: string; eventName?: string; at?: string; count?: number; errorCode?: string | null };

/** Access events written straight to the table (fixtures, not the code under test). */
async function seedAccess(s: Seed) {
  await db.$executeRaw`
    INSERT INTO access_events (id, connection_id, provider_event_id, occurred_at, event_name, principal, principal_type, source_ip, user_agent, secret_ref, secret_id, error_code, summary)
    SELECT gen_random_uuid(), ${s.connectionId}::uuid, gen_random_uuid()::text,
           ${s.at ?? '2026-03-10T12:00:00Z'}::timestamptz + (i || ' milliseconds')::interval,
           ${s.eventName ?? 'GetSecretValue'}, ${s.principal ?? 'arn:aws:iam::123456789012:role/app'}, 'AssumedRole',
           '10.1.2.3', 'aws-sdk-js/3', 'prod/db', ${s.secretId ?? null}::uuid, ${s.errorCode ?? null},
           jsonb_build_object('region', 'eu-west-1', 'n', i)
    FROM generate_series(1, ${s.count ?? 1}) AS i`;
}

async function exportText(caller: Caller, params: Record<string, string>, format: 'csv' | 'jsonl') {
  const download = await exportRows(caller, accessEventsSource, parseAccessExportQuery(params), format);
  return streamText(download.stream);
}

/** A connection with a production and a staging secret, and events for both and neither. */
async function scenario() {
  const connection = await seedConnection('aws', { region: 'eu-west-1' });
  const prod = await seedConnectedSecret(connection.id, { environment: 'production' });
  const staging = await seedConnectedSecret(connection.id, { environment: 'staging' });
  const app = `arn:aws:iam::123456789012:role/app-${randomUUID().slice(0, 8)}`;
  const alice = `arn:aws:iam::123456789012:user/alice-${randomUUID().slice(0, 8)}`;
  const c = connection.id;
  await seedAccess({ connectionId: c, secretId: prod.id, principal: app, at: '2026-03-10T09:00:00Z', count: 7 });
  await seedAccess({ connectionId: c, secretId: prod.id, principal: alice, eventName: 'PutSecretValue', at: '2026-03-11T09:00:00Z', count: 2 });
  await seedAccess({ connectionId: c, secretId: prod.id, principal: alice, at: '2026-04-02T09:00:00Z', count: 4, errorCode: 'AccessDeniedException' });
  await seedAccess({ connectionId: c, secretId: staging.id, principal: app, at: '2026-03-10T10:00:00Z', count: 3 });
  await seedAccess({ connectionId: c, secretId: null, principal: app, at: '2026-03-10T11:00:00Z', count: 5 });
  return { connection, prod, staging, app, alice };
}

describe('access-history exports', () => {
  it('hold exactly the events each filter selects, in both formats, with the linked secret', async () => {
    const auditor = await callerAs('auditor');
    const { connection, prod, staging, app, alice } = await scenario();
    const filters = { secret: prod.id, principal: app, action: 'GetSecretValue', environment: 'production', from: '2026-03-01', to: '2026-03-31' };
    const { csv, jsonl } = await exportedInBothFormats((format) => exportText(auditor, filters, format), 7, ACCESS_EXPORT_COLUMNS);
    expect(jsonl[0]).toMatchObject({
      provider: 'aws',
      connectionId: connection.id,
      connectionName: connection.name,
      eventName: 'GetSecretValue',
      outcome: 'success',
      errorCode: null,
      principal: app,
      principalType: 'AssumedRole',
      sourceIp: '10.1.2.3',
      userAgent: 'aws-sdk-js/3',
      secretRef: 'prod/db',
      secretId: prod.id,
      secretName: prod.name,
      environment: 'production',
      summary: { region: 'eu-west-1', n: 1 },
    });
    expect(JSON.parse(csv[0].summary)).toEqual(jsonl[0].summary);
    expect(csv[0].occurredAt).toBe(jsonl[0].occurredAt);

    // Each filter on its own (scoped to this connection's secrets or principals).
    const count = async (f: Record<string, string>) => parseJsonl(await exportText(auditor, f, 'jsonl')).length;
    expect(await count({ secret: prod.id })).toBe(13);
    expect(await count({ secret: staging.id })).toBe(3);
    expect(await count({ principal: app })).toBe(15);
    expect(await count({ principal: alice })).toBe(6);
    expect(await count({ principal: alice, action: 'PutSecretValue' })).toBe(2);
    expect(await count({ secret: prod.id, from: '2026-04-01' })).toBe(4);
    expect(await count({ secret: prod.id, to: '2026-03-10' })).toBe(7); // `to` includes its whole day
    expect(await count({ principal: app, environment: 'staging' })).toBe(3);
    expect(await count({ principal: app, environment: 'production' })).toBe(7); // unlinked events have no environment
    const failed = parseJsonl(await exportText(auditor, { principal: alice, from: '2026-04-01' }, 'jsonl'));
    expect(failed.map((r) => [r.outcome, r.errorCode])).toEqual(Array(4).fill(['failed', 'AccessDeniedException']));
  });

  it('streams every event once in the order they happened, across batches, and leaves out later ingestion', async () => {
    const auditor = await callerAs('auditor');
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const principal = `arn:aws:iam::123456789012:role/bulk-${randomUUID().slice(0, 8)}`;
    const total = ACCESS_EXPORT_BATCH * 2 + 17;
    // Ingested newest first (as CloudTrail pages arrive), and some with equal times.
    await seedAccess({ connectionId: connection.id, principal, at: '2026-05-01T00:00:00Z', count: total - 40 });
    await seedAccess({ connectionId: connection.id, principal, at: '2026-04-01T00:00:00Z', count: 20 });
    await seedAccess({ connectionId: connection.id, principal, at: '2026-04-01T00:00:00Z', count: 20 });
    const download = await exportRows(auditor, accessEventsSource, parseAccessExportQuery({ principal }), 'csv');
    // Stored after the export started (even with an older time): not part of it.
    await seedAccess({ connectionId: connection.id, principal, at: '2026-01-01T00:00:00Z', count: 3 });
    const rows = parseCsv(await streamText(download.stream));
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.id)).size).toBe(total);
    const times = rows.map((r) => r.occurredAt);
    expect(times).toEqual([...times].sort());
    expect(times[0]).toBe('2026-04-01T00:00:00.001Z');
  });

  it('keeps memory flat: 100k events stream with little retained heap', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const admin = await callerAs('admin');
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const principal = `arn:aws:iam::123456789012:role/${'x'.repeat(1000)}`; // ~1 KB per row
    await seedAccess({ connectionId: connection.id, principal, count: 100_000 });
    await db.$executeRaw`ANALYZE access_events`;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const download = await exportRows(admin, accessEventsSource, parseAccessExportQuery({ principal }), 'jsonl');
    let lines = 0;
    let peak = 0;
    for await (const chunk of download.stream as AsyncIterable<Buffer>) {
      for (const b of chunk) {
        if (b === 10 && ++lines % 5000 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
      }
    }
    expect(lines).toBe(100_000);
    expect(peak).toBeLessThan(40 * 1024 * 1024);
  }, 120_000);

  it('answers a malformed filter with 400 naming it (lib/validation/access-export.test.ts has the rules)', async () => {
    session.caller = await callerAs('auditor');
    const response = await accessRoute(new NextRequest('http://localhost/api/export/access?format=csv&to=31/12/2026'));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'Check the export filters. to: Use a date (YYYY-MM-DD) or an ISO time.',
      fieldErrors: { to: [expect.any(String)] },
    });
  });

  it('guards CSV cells against spreadsheet formulas', async () => {
    const auditor = await callerAs('auditor');
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const principal = `=HYPERLINK("x${randomUUID().slice(0, 8)}")`;
    await seedAccess({ connectionId: connection.id, principal });
    const [row] = parseCsv(await exportText(auditor, { principal }, 'csv'));
    expect(row.principal).toBe(`'${principal}`);
  });

  it('is audited with the source, the filters, the format and the row count', async () => {
    const auditor = await callerAs('auditor');
    const { staging } = await scenario();
    await exportText(auditor, { secret: staging.id, from: '2026-03-01' }, 'csv');
    const event = await exportEvent(auditor.user!.id);
    expect(event.outcome).toBe('success');
    expect(event.detail).toMatchObject({ source: 'access-events', format: 'csv', secret: staging.id, from: '2026-03-01', rows: 3, complete: true });
  });
});

describe('who may export access history', () => {
  for (const role of ['viewer', 'engineer'] as const) {
    it(`refuses a ${role}, audits the refusal, and checks permission before the filters`, async () => {
      const caller = await callerAs(role);
      await expect(exportRows(caller, accessEventsSource, parseAccessExportQuery({}), 'csv')).rejects.toBeInstanceOf(ForbiddenError);
      session.caller = caller;
      const response = await accessRoute(new NextRequest('http://localhost/api/export/access?format=jsonl&from=garbage'));
      expect(response.status).toBe(403);
      const denied = await db.auditEvent.findMany({ where: { actorId: caller.user!.id, outcome: 'denied' } });
      expect(denied.map((e) => [e.action, (e.detail as { permission: string }).permission])).toEqual([
        ['audit.export', 'audit.export'],
        ['audit.export', 'audit.export'],
      ]);
    });
  }

  it('answers 401 signed out, and a download to an admin', async () => {
    session.caller = await callerAs(null);
    expect((await accessRoute(new NextRequest('http://localhost/api/export/access'))).status).toBe(401);
    session.caller = await callerAs('admin');
    const { staging } = await scenario();
    const response = await accessRoute(new NextRequest(`http://localhost/api/export/access?format=jsonl&secret=${staging.id}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="access-events-\d{4}-\d{2}-\d{2}\.jsonl"/);
    expect(parseJsonl(await response.text())).toHaveLength(3);
  });
});

describe('evidence bundles with access history', () => {
  it('the audit target secret, environment and time range select the access events; the bundle verifies', async () => {
    const auditor = await callerAs('auditor');
    const { prod } = await scenario();
    const zip = await makeBundle(auditor, { targetType: 'secret', targetId: prod.id, environment: 'production', from: '2026-03-01', to: '2026-03-31' });
    const result = await verifyBundle(zip);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);

    const files = await readZip(zip);
    expect([...files.keys()].sort()).toEqual(BUNDLE_FILE_NAMES);
    const manifest = ZBundleManifest.parse(JSON.parse(files.get('manifest.json')!.toString()));
    const accessFilters = { secret: prod.id, environment: 'production', from: '2026-03-01', to: '2026-03-31' };
    expect(manifest.files.map((f) => [f.name, f.rows, f.filters])).toEqual([
      ['audit-events.csv', 0, manifest.filters],
      ['audit-events.jsonl', 0, manifest.filters],
      ['access-events.csv', 9, accessFilters],
      ['access-events.jsonl', 9, accessFilters],
    ]);
    const rows = parseCsv(files.get('access-events.csv')!.toString());
    expect(rows.every((r) => r.secretId === prod.id)).toBe(true);
    expect(parseJsonl(files.get('access-events.jsonl')!.toString()).map((r) => r.id)).toEqual(rows.map((r) => r.id));

    const event = await exportEvent(auditor.user!.id);
    expect(event.detail).toMatchObject({ source: 'evidence-bundle', 'rows.access-events.csv': 9, 'rows.access-events.jsonl': 9, complete: true });

    // One changed byte in an access file is named.
    const csv = Buffer.from(files.get('access-events.csv')!);
    csv[csv.length - 5] ^= 0x01;
    const tampered = await verifyBundle(await writeZip(new Map(files).set('access-events.csv', csv)));
    expect(tampered.ok).toBe(false);
    expect(tampered.problems[0]).toBe('access-events.csv: SHA-256 does not match the manifest.');
  });
});

describe('events ingested from the CloudTrail emulator', () => {
  let trail: CloudTrailEmulator;
  let sm: AwsSecretsManagerEmulator;
  const APP = 'arn:aws:iam::123456789012:role/billing-api';
  beforeAll(async () => {
    trail = await startCloudTrailEmulator({ ratePerSecond: 1000, identities: { AKIDAPP: { type: 'AssumedRole', roleArn: APP, sessionName: 'i-0abc' } } });
    sm = await startAwsSecretsManagerEmulator({ onCall: trail.recordSecretsManagerCall });
  });
  afterAll(async () => {
    await trail.close();
    await sm.close();
  });

  it('reach the export and the bundle with their secret, and no value', async () => {
    const canaries = [`canary-create-${randomUUID()}`, `canary-put-${randomUUID()}`];
    const connection = await seedConnection('aws', { region: 'eu-west-1', endpoint: sm.endpoint });
    const client = new SecretsManagerClient({
      region: 'eu-west-1',
      endpoint: sm.endpoint,
      credentials: { accessKeyId: 'AKIDAPP', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await client.send(new CreateSecretCommand({ Name: 'prod/export/db', SecretString: canaries[0] }));
    const secret = await seedConnectedSecret(connection.id, { providerRef: 'prod/export/db' });
    await client.send(new GetSecretValueCommand({ SecretId: 'prod/export/db' }));
    await client.send(new PutSecretValueCommand({ SecretId: 'prod/export/db', SecretString: canaries[1] }));
    await client.send(new GetSecretValueCommand({ SecretId: 'prod/export/db' }));
    client.destroy();
    const ingested = await ingestAccessEvents(connection.id, systemClock, { cloudTrailEndpoint: trail.endpoint, sleep: async () => {} });
    expect(ingested).toMatchObject({ status: 'ok', inserted: 4 });

    const auditor = await callerAs('auditor');
    const jsonl = await exportText(auditor, { secret: secret.id }, 'jsonl');
    const csv = await exportText(auditor, { secret: secret.id }, 'csv');
    // CloudTrail times have whole seconds: compare what was called, not the order.
    expect(
      parseJsonl(jsonl)
        .map((r) => [r.eventName, r.principal, r.secretName])
        .sort(),
    ).toEqual([
      ['CreateSecret', APP, secret.name],
      ['GetSecretValue', APP, secret.name],
      ['GetSecretValue', APP, secret.name],
      ['PutSecretValue', APP, secret.name],
    ]);
    const zip = await makeBundle(auditor, { targetType: 'secret', targetId: secret.id });
    const files = await readZip(zip);
    expect((await verifyBundle(zip)).ok).toBe(true);
    for (const canary of canaries) {
      expect(jsonl).not.toContain(canary);
      expect(csv).not.toContain(canary);
      for (const [name, content] of files) expect(content.includes(canary), name).toBe(false);
    }
  });
});
