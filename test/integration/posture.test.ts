import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixFirst, postureOverview, secretPosture } from '@/lib/data/posture';
import { db } from '@/lib/db';
import { refreshPosture } from '@/lib/posture/refresh';
import { seedCompletedScan, seedDiscovered } from '../support/discovery-seed';
import { callerAs, environmentId, seedConnection, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const NOW = new Date('2026-12-06T12:00:00Z');
const DAY = 86_400_000;

async function secret(teamId: string, fields: Record<string, unknown> = {}) {
  return db.secret.create({
    data: {
      name: `s-${randomBytes(4).toString('hex')}`,
      environmentId: await environmentId('production'),
      ownerTeamId: teamId,
      classification: 'important',
      ...fields,
    },
    select: { id: true, name: true },
  });
}

async function version(
  secretId: string,
  connectionId: string,
  fingerprint: Uint8Array<ArrayBuffer> | null,
  at = new Date(NOW.getTime() - DAY),
  fingerprintKeyId: string | null = null,
) {
  await db.secretVersion.create({
    data: {
      secretId,
      connectionId,
      providerRef: 'ref',
      providerVersionId: randomBytes(6).toString('hex'),
      idempotencyToken: crypto.randomUUID(),
      source: 'entered',
      fingerprint,
      fingerprintKeyId,
      createdAt: at,
    },
  });
}

const checksOf = async (secretId: string) => (await db.secretPosture.findUniqueOrThrow({ where: { secretId } })).checks as Record<string, boolean | null>;

describe('posture', () => {
  it('scores each secret against the checklist, with checks that do not apply left out', async () => {
    const team = await seedTeam();
    const system = await seedSystem(team.id);
    const connection = await seedConnection('local');
    // A model secret: contact, consumer, interval not overdue, generated with grace, its value known and unique.
    const good = await secret(team.id, {
      contactPerson: 'Ana',
      rotationIntervalDays: 90,
      lastRotatedAt: new Date(NOW.getTime() - 10 * DAY),
      nextDueAt: new Date(NOW.getTime() + 80 * DAY),
      rotationStrategy: 'generated',
      graceHours: 24,
      connectionId: connection.id,
    });
    await db.secretConsumer.create({ data: { secretId: good.id, systemId: system.id } });
    await version(good.id, connection.id, new Uint8Array(randomBytes(32)));
    // A neglected one: nothing declared, overdue, manual, its value shared with staging.
    const shared = new Uint8Array(randomBytes(32));
    const bad = await secret(team.id, {
      rotationIntervalDays: 30,
      nextDueAt: new Date(NOW.getTime() - DAY),
      connectionId: connection.id,
      classification: 'critical',
    });
    await version(bad.id, connection.id, shared);
    const twin = await secret(team.id, { environmentId: await environmentId('staging'), connectionId: connection.id });
    await version(twin.id, connection.id, shared);
    await db.rotationRun.create({ data: { secretId: bad.id, strategy: 'manual', trigger: 'manual', state: 'failed', graceHours: 24 } });
    // Decommissioned secrets have no posture.
    const retired = await secret(team.id, { status: 'decommissioned' });

    await refreshPosture(NOW);

    expect(await checksOf(good.id)).toEqual({
      owner_contact: true,
      consumers_declared: true,
      rotation_on_schedule: true,
      grace_strategy: true,
      last_rotation_ok: null,
      unique_value: true,
      no_undeclared_readers: null,
      no_drift: null,
      tags_match: null,
      classification_set: true,
    });
    expect(await db.secretPosture.findUniqueOrThrow({ where: { secretId: good.id } })).toMatchObject({ score: 100, passed: 6, applicable: 6, failing: [] });
    const badPosture = await db.secretPosture.findUniqueOrThrow({ where: { secretId: bad.id } });
    expect(badPosture.failing).toEqual(['consumers_declared', 'grace_strategy', 'last_rotation_ok', 'owner_contact', 'rotation_on_schedule', 'unique_value']);
    expect(badPosture).toMatchObject({ passed: 1, applicable: 7, score: 14 });
    expect(await db.secretPosture.findUnique({ where: { secretId: retired.id } })).toBeNull();

    // The same checks live, for the secret page.
    const viewer = await callerAs('viewer');
    const live = await secretPosture(viewer, bad.id, NOW);
    expect(live?.score).toBe(14);
    expect(live?.checks.find((c) => c.key === 'unique_value')).toMatchObject({
      result: false,
      advice: expect.stringMatching(/every environment a value of its own/),
    });
    expect(await secretPosture(viewer, retired.id, NOW)).toBeNull();

    // What to fix first: the critical secret before the important ones, lowest score first.
    const list = await fixFirst(viewer, { team: team.id });
    expect(list.items.map((i) => i.id)).toEqual([bad.id, twin.id]);
    expect(list.items[0]).toMatchObject({ classification: 'critical', score: 14 });
  });

  it('compares fingerprints of the same pepper only (a row without a key id counts under any)', async () => {
    const team = await seedTeam();
    const connection = await seedConnection('local');
    const staging = await environmentId('staging');
    const bytes = new Uint8Array(randomBytes(32));
    const at = new Date(NOW.getTime() - DAY);
    // Same bytes under different peppers: different values, so both unique.
    const a = await secret(team.id, { connectionId: connection.id });
    await version(a.id, connection.id, bytes, at, 'aaaaaaaaaaaaaaaa');
    const b = await secret(team.id, { connectionId: connection.id, environmentId: staging });
    await version(b.id, connection.id, bytes, at, 'bbbbbbbbbbbbbbbb');
    // The same bytes without a key id (written before key ids) match either.
    const c = await secret(team.id, { connectionId: connection.id, environmentId: await environmentId('development') });
    await refreshPosture(NOW);
    expect([(await checksOf(a.id)).unique_value, (await checksOf(b.id)).unique_value]).toEqual([true, true]);
    await version(c.id, connection.id, bytes, at, null);
    await refreshPosture(NOW);
    expect(await Promise.all([a, b, c].map(async (x) => (await checksOf(x.id)).unique_value))).toEqual([false, false, false]);
  });

  it('counts readers that are not declared consumers, by principal or by the system name', async () => {
    const team = await seedTeam();
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    await db.accessIngestionCursor.create({ data: { connectionId: connection.id, completedRuns: 1 } });
    const billing = await db.system.create({ data: { name: `billing-${randomBytes(3).toString('hex')}`, ownerTeamId: team.id } });
    const s = await secret(team.id, { connectionId: connection.id, providerKind: 'aws', providerRef: 'prod/db' });
    await db.secretConsumer.create({ data: { secretId: s.id, systemId: billing.id } });
    const read = (principal: string, daysAgo: number) =>
      db.accessEvent.create({
        data: {
          connectionId: connection.id,
          providerEventId: randomBytes(8).toString('hex'),
          occurredAt: new Date(NOW.getTime() - daysAgo * DAY),
          eventName: 'GetSecretValue',
          principal,
          secretRef: 'prod/db',
          secretId: s.id,
        },
      });
    await read(`arn:aws:iam::123456789012:role/${billing.name}`, 1);
    await refreshPosture(NOW);
    expect((await checksOf(s.id)).no_undeclared_readers).toBe(true);

    await read('arn:aws:iam::123456789012:user/mallory', 2);
    await read('arn:aws:iam::123456789012:user/old-contractor', 200); // outside the window
    await refreshPosture(NOW);
    expect((await checksOf(s.id)).no_undeclared_readers).toBe(false);
  });

  it('fails the drift checks of a secret the newest scan disagrees with, and leaves unscanned connections out', async () => {
    const team = await seedTeam();
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const scan = await seedCompletedScan(connection.id, new Date(NOW.getTime() - DAY));
    const created = new Date(NOW.getTime() - 10 * DAY);
    const missing = await secret(team.id, {
      connectionId: connection.id,
      providerKind: 'aws',
      providerRef: 'prod/missing',
      providerKey: 'prod/missing',
      createdAt: created,
    });
    const mislabelled = await secret(team.id, {
      connectionId: connection.id,
      providerKind: 'aws',
      providerRef: 'prod/labels',
      providerKey: 'prod/labels',
      createdAt: created,
    });
    await seedDiscovered(connection.id, scan.id, [{ providerKey: 'prod/labels', labels: { owner: 'someone-else', environment: 'production' } }]);
    const unscanned = await seedConnection('aws', { region: 'eu-west-1' });
    const elsewhere = await secret(team.id, {
      connectionId: unscanned.id,
      providerKind: 'aws',
      providerRef: 'prod/x',
      providerKey: 'prod/x',
      createdAt: created,
    });

    await refreshPosture(NOW);
    expect(await checksOf(missing.id)).toMatchObject({ no_drift: false, tags_match: true });
    expect(await checksOf(mislabelled.id)).toMatchObject({ no_drift: true, tags_match: false });
    expect(await checksOf(elsewhere.id)).toMatchObject({ no_drift: null, tags_match: null });
    const live = await secretPosture(await callerAs('viewer'), mislabelled.id, NOW);
    expect(live?.checks.find((c) => c.key === 'tags_match')?.result).toBe(false);
  });

  it('keeps a day snapshot for the organisation and each team, replaced by each refresh', async () => {
    const team = await seedTeam();
    await secret(team.id, { contactPerson: 'Bo' });
    await refreshPosture(new Date(NOW.getTime() - 2 * DAY));
    await refreshPosture(NOW);
    await refreshPosture(NOW);
    const viewer = await callerAs('viewer');
    const overview = await postureOverview(viewer, { team: team.id, range: 30 }, NOW);
    expect(overview.day).toBe('2026-12-06');
    expect(overview.series.map((p) => p.day)).toEqual(['2026-12-04', '2026-12-06']);
    expect(overview.team).toMatchObject({ id: team.id, secrets: 1 });
    expect(overview.org!.secrets).toBe(await db.secretPosture.count());
    expect(overview.teams.find((t) => t.id === team.id)).toMatchObject({ secrets: 1 });
    const orgRows = await db.postureSnapshot.count({ where: { day: new Date('2026-12-06'), teamId: null } });
    expect(orgRows).toBe(1);
  });
});
