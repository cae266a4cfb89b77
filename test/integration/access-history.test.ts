// The access-history views over stored access events: per-principal summary against the
// declared consuming systems, undeclared readers, silent systems, the coverage notice
// (GCP Data Access logs off), and who may see the summary versus the raw events.
import { describe, expect, it } from 'vitest';
import { getSecretAccessSummary, listSecretAccessEvents, principalShortName } from '@/lib/data/access-history';
import { listSecrets } from '@/lib/data/secrets';
import { db } from '@/lib/db';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { ForbiddenError } from '@/lib/errors';
import { callerAs, seedConnectedSecret, seedConnection, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const NOW = new Date('2026-11-26T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
let n = 0;

async function event(connectionId: string, secretId: string | null, principal: string, at: Date, extra: Record<string, unknown> = {}) {
  await db.accessEvent.create({
    data: {
      connectionId,
      secretId,
      providerEventId: `evt-${++n}`,
      occurredAt: at,
      eventName: 'GetSecretValue',
      principal,
      principalType: 'AssumedRole',
      secretRef: 'prod/db',
      sourceIp: '10.1.2.3',
      userAgent: 'aws-sdk',
      ...extra,
    },
  });
}

async function setup(kind: 'aws' | 'gcp' = 'aws') {
  const connection = await seedConnection(kind, kind === 'aws' ? { region: 'eu-west-1' } : { projectId: 'acme' });
  const secret = await seedConnectedSecret(connection.id);
  const team = await seedTeam();
  // Declared by an explicit principal; declared by name only; declared and silent.
  const billing = await seedSystem(team.id);
  await db.system.update({ where: { id: billing.id }, data: { principals: ['arn:aws:iam::123456789012:role/Billing-Runner'] } });
  const reports = await db.system.create({ data: { name: `reports-job-${++n}`, ownerTeamId: team.id } });
  const silent = await seedSystem(team.id);
  for (const system of [billing, reports, silent]) await db.secretConsumer.create({ data: { secretId: secret.id, systemId: system.id } });
  return { connection, secret, billing, reports, silent };
}

describe('secret access summary', () => {
  it('groups reads by principal and sets them against the declared systems', async () => {
    const { connection, secret, billing, reports, silent } = await setup();
    const role = 'arn:aws:iam::123456789012:role/billing-runner';
    await event(connection.id, secret.id, role, ago(10));
    await event(connection.id, secret.id, role, ago(2));
    await event(connection.id, secret.id, `arn:aws:iam::123456789012:role/${reports.name}`, ago(1));
    await event(connection.id, secret.id, 'arn:aws:iam::123456789012:user/mallory', ago(3));
    await event(connection.id, secret.id, 'arn:aws:iam::123456789012:user/mallory', ago(3), { errorCode: 'AccessDenied' });
    // Outside the window, a write, and another secret's read: not counted.
    await event(connection.id, secret.id, 'arn:aws:iam::123456789012:user/old', ago(200));
    await event(connection.id, secret.id, 'arn:aws:iam::123456789012:user/writer', ago(1), { eventName: 'PutSecretValue' });
    await event(connection.id, null, 'arn:aws:iam::123456789012:user/other', ago(1));
    await db.accessIngestionCursor.create({ data: { connectionId: connection.id, lastRunAt: ago(0), completedRuns: 3 } });

    const summary = await getSecretAccessSummary(await callerAs('viewer'), secret.id, {}, NOW);
    expect(summary.readers.map((r) => [r.principal, r.reads, r.failures, r.systems])).toEqual([
      ['arn:aws:iam::123456789012:role/billing-runner', 2, 0, [billing.name]],
      ['arn:aws:iam::123456789012:user/mallory', 1, 1, []],
      [`arn:aws:iam::123456789012:role/${reports.name}`, 1, 0, [reports.name]],
    ]);
    expect(summary.readers[0]).toMatchObject({ firstReadAt: ago(10), lastReadAt: ago(2) });
    expect(summary.undeclaredReaders.map((r) => r.principal)).toEqual(['arn:aws:iam::123456789012:user/mallory']);
    expect(summary.silentSystems).toEqual([{ id: silent.id, name: silent.name }]);
    expect(summary.coverage).toMatchObject({ state: 'ok', provider: 'aws' });
  });

  it('says so when a GCP project never returned a Data Access entry, and when nothing was ingested yet', async () => {
    const { connection, secret } = await setup('gcp');
    const viewer = await callerAs('viewer');
    expect((await getSecretAccessSummary(viewer, secret.id, {}, NOW)).coverage).toEqual({ state: 'not_ingested' });
    await db.accessIngestionCursor.create({ data: { connectionId: connection.id, lastRunAt: NOW, completedRuns: 1, dataAccessLogsSeen: false } });
    expect((await getSecretAccessSummary(viewer, secret.id, {}, NOW)).coverage).toMatchObject({ state: 'data_access_off', provider: 'gcp' });
    await db.accessIngestionCursor.update({ where: { connectionId: connection.id }, data: { dataAccessLogsSeen: true } });
    expect((await getSecretAccessSummary(viewer, secret.id, {}, NOW)).coverage).toMatchObject({ state: 'ok' });
  });

  it('principal short names', () => {
    expect(principalShortName('arn:aws:iam::1:role/path/Billing')).toBe('billing');
    expect(principalShortName('svc-a@acme.iam.gserviceaccount.com')).toBe('svc-a');
  });
});

describe('raw access events', () => {
  it('are for auditors and admins, newest first, keyset-paged', async () => {
    const { connection, secret } = await setup();
    for (let d = 1; d <= 5; d++) await event(connection.id, secret.id, 'arn:aws:iam::1:user/u', ago(d));
    await expect(listSecretAccessEvents(await callerAs('viewer'), secret.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listSecretAccessEvents(await callerAs('engineer'), secret.id)).rejects.toBeInstanceOf(ForbiddenError);
    const auditor = await callerAs('auditor');
    const first = await listSecretAccessEvents(auditor, secret.id, { limit: 3 });
    expect(first.items.map((e) => e.occurredAt)).toEqual([ago(1), ago(2), ago(3)]);
    const second = await listSecretAccessEvents(auditor, secret.id, { limit: 3, before: first.nextBefore! });
    expect(second.items.map((e) => e.occurredAt)).toEqual([ago(4), ago(5)]);
    expect(second.nextBefore).toBeNull();
    // The denial was audited.
    expect(await db.auditEvent.count({ where: { action: 'secret.access_events', outcome: 'denied', targetId: secret.id } })).toBe(2);
  });

  it('the summary needs a signed-in caller', async () => {
    const { secret } = await setup();
    await expect(getSecretAccessSummary(await callerAs(null), secret.id)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('inventory filter "not read in N days"', () => {
  it('lists connected secrets whose last read is older than N days, or that were never read', async () => {
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const tag = `unread-${++n}`;
    const make = async (lastReadDaysAgo: number | null) => {
      const s = await seedConnectedSecret(connection.id);
      await db.secret.update({
        where: { id: s.id },
        data: { tags: [tag], lastReadAt: lastReadDaysAgo === null ? null : new Date(Date.now() - lastReadDaysAgo * 86_400_000) },
      });
      return s.name;
    };
    const recent = await make(2);
    const stale = await make(45);
    const never = await make(null);
    void recent;
    const viewer = await callerAs('viewer');
    const names = async (unread: string) => (await listSecrets(viewer, parseSecretListQuery({ tag, unread }))).items.map((i) => i.name).sort();
    expect(await names('30')).toEqual([stale, never].sort());
    expect(await names('90')).toEqual([never]);
    // Not one of the offered values: the filter is ignored.
    expect((await names('12')).length).toBe(3);
  });
});
