// Rotations end to end through the engine and the people's steps, against the local
// provider and real PostgreSQL, with a hand-moved clock: every strategy's path, grace and
// retirement, rollback, cancel, one run at a time, each step recorded exactly once.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { listSecretVersions, writeSecretValue } from '@/lib/data/secret-values';
import {
  cancelRotation,
  confirmOldKeyRevoked,
  confirmRotationWorks,
  retireOldValueNow,
  rollBackRotation,
  startRotation,
  submitRotationValue,
} from '@/lib/data/rotations';
import { db } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import { LocalProvider } from '@/lib/providers/local';
import { advanceRotation } from '@/lib/rotation/engine';
import { rotationTick } from '@/lib/rotation/jobs';
import { auditEventsFor, callerAs, seedConnectedSecret, seedConnection, joinOwningTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const HOUR = 3_600_000;

async function rotatableSecret(strategy: 'generated' | 'manual', withValue = true) {
  const engineer = await callerAs('engineer');
  const secret = await seedConnectedSecret((await seedConnection('local')).id);
  await joinOwningTeam(engineer, secret.id);
  await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: strategy, graceHours: 24 } });
  if (withValue) await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `first-${randomUUID()}`);
  return { engineer, secret };
}

const runOf = (id: string) => db.rotationRun.findUniqueOrThrow({ where: { id } });
const stepsOf = async (secretId: string) => (await auditEventsFor(secretId)).filter((e) => e.action.startsWith('rotation.')).map((e) => e.action);

describe('a generated rotation', () => {
  it('writes, verifies and promotes a new value, keeps the old one valid through the grace period, then retires it', async () => {
    const { engineer, secret } = await rotatableSecret('generated');
    const clock = new ManualClock(new Date('2026-11-26T10:00:00Z'));
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    expect((await runOf(runId)).previousVersionId).toBe('1');

    await advanceRotation(runId, clock, 'worker-a');
    let run = await runOf(runId);
    expect(run).toMatchObject({ state: 'in_grace', newVersionId: '2', graceEndsAt: new Date('2026-11-27T10:00:00Z') });
    let versions = (await listSecretVersions(engineer, secret.id)).versions;
    expect(versions.map((v) => [v.versionId, v.state, v.current])).toEqual([
      ['2', 'enabled', true],
      ['1', 'enabled', false], // still valid during the grace period
    ]);
    const row = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    expect(row.lastRotatedAt).toEqual(new Date('2026-11-26T10:00:00Z'));
    expect(row.activeRotationId).toBe(runId);

    clock.advance(23 * HOUR);
    await advanceRotation(runId, clock, 'worker-a');
    expect((await runOf(runId)).state).toBe('in_grace'); // not yet

    clock.advance(2 * HOUR);
    await advanceRotation(runId, clock, 'worker-b');
    run = await runOf(runId);
    expect(run.state).toBe('completed');
    versions = (await listSecretVersions(engineer, secret.id)).versions;
    expect(versions.map((v) => [v.versionId, v.state])).toEqual([
      ['2', 'enabled'],
      ['1', 'disabled'],
    ]);
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).activeRotationId).toBeNull();
    expect(await stepsOf(secret.id)).toEqual(['rotation.start', 'rotation.value_written', 'rotation.verified', 'rotation.promoted', 'rotation.grace_ended']);
    // The version the rotation wrote is recorded (who/when/generated), never its value.
    // (By version: the seeded one is dated by the real clock, the rotation's by the test clock.)
    const recorded = await db.secretVersion.findMany({ where: { secretId: secret.id }, orderBy: { providerVersionId: 'asc' } });
    expect(recorded.map((v) => [v.providerVersionId, v.source])).toEqual([
      ['1', 'entered'],
      ['2', 'generated'],
    ]);
  });

  it('with a grace period of zero retires the old version at once', async () => {
    const { engineer, secret } = await rotatableSecret('generated');
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, { graceHours: 0 }, clock);
    await advanceRotation(runId, clock, 'w');
    expect((await runOf(runId)).state).toBe('completed');
    expect((await new LocalProvider().listVersions(secret.providerRef)).map((v) => v.state)).toEqual(['enabled', 'disabled']);
  });

  it('rolls back within the grace period: the old value is current again and the dates are restored', async () => {
    const { engineer, secret } = await rotatableSecret('generated');
    const before = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'w');
    const provider = new LocalProvider();
    const original = (await provider.readValue(secret.providerRef, '1')).reveal();

    await rollBackRotation(engineer, runId, clock);
    expect((await runOf(runId)).state).toBe('rolled_back');
    expect((await provider.readValue(secret.providerRef)).reveal()).toBe(original);
    expect((await provider.listVersions(secret.providerRef)).find((v) => v.versionId === '2')?.state).toBe('disabled');
    const after = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    expect(after.lastRotatedAt).toEqual(before.lastRotatedAt);
    expect(after.activeRotationId).toBeNull();
    await expect(rollBackRotation(engineer, runId, clock)).rejects.toThrow(/finished/);
  });
});

describe('a manual rotation (the runbook)', () => {
  it('waits for the engineer at each person step, and records who confirmed', async () => {
    const { engineer, secret } = await rotatableSecret('manual');
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'w');
    expect((await runOf(runId)).state).toBe('awaiting_value');
    await expect(confirmRotationWorks(engineer, runId, clock)).rejects.toThrow(/Enter the new value first/);

    const newKey = `vendor-key-${randomUUID()}`;
    await submitRotationValue(engineer, runId, newKey, clock);
    await advanceRotation(runId, clock, 'w');
    expect((await runOf(runId)).state).toBe('value_written'); // the worker does not confirm for a person

    await confirmRotationWorks(engineer, runId, clock);
    await advanceRotation(runId, clock, 'w');
    expect((await runOf(runId)).state).toBe('in_grace');
    expect((await new LocalProvider().readValue(secret.providerRef)).reveal()).toBe(newKey);

    clock.advance(25 * HOUR);
    await advanceRotation(runId, clock, 'w');
    expect((await runOf(runId)).state).toBe('awaiting_revocation');
    await confirmOldKeyRevoked(engineer, runId, clock);
    const run = await runOf(runId);
    expect(run).toMatchObject({ state: 'completed', confirmedByEmail: engineer.user!.email, revokedByEmail: engineer.user!.email });
    expect(await stepsOf(secret.id)).toEqual([
      'rotation.start',
      'rotation.value_requested',
      'rotation.value_written',
      'rotation.verified',
      'rotation.promoted',
      'rotation.grace_ended',
      'rotation.revocation_confirmed',
    ]);
  });

  it('can be cancelled before promotion, withdrawing the entered value', async () => {
    const { engineer, secret } = await rotatableSecret('manual');
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'w');
    const original = (await new LocalProvider().readValue(secret.providerRef)).reveal();
    await submitRotationValue(engineer, runId, `vendor-key-${randomUUID()}`, clock);
    await cancelRotation(engineer, runId, clock);
    expect((await runOf(runId)).state).toBe('cancelled');
    expect((await new LocalProvider().readValue(secret.providerRef)).reveal()).toBe(original);
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).activeRotationId).toBeNull();
  });
});

describe('one rotation at a time', () => {
  it('two clicks and a worker tick at the same moment start one run', async () => {
    const { engineer, secret } = await rotatableSecret('generated');
    await db.secret.update({ where: { id: secret.id }, data: { autoRotate: true, rotationIntervalDays: 30, nextDueAt: new Date('2026-01-01') } });
    const clock = new ManualClock();
    const other = await callerAs('admin');
    const outcomes = await Promise.allSettled([startRotation(engineer, secret.id, {}, clock), startRotation(other, secret.id, {}, clock), rotationTick(clock)]);
    expect(await db.rotationRun.count({ where: { secretId: secret.id } })).toBe(1);
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
    for (const reason of refused) expect(reason, String((reason as { code?: string }).code) + String(reason)).toBeInstanceOf(InputError);
  });

  it('two workers advancing the same run record each step once', async () => {
    const { engineer, secret } = await rotatableSecret('generated');
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, { graceHours: 0 }, clock);
    await Promise.all([advanceRotation(runId, clock, 'worker-a'), advanceRotation(runId, clock, 'worker-b'), advanceRotation(runId, clock, 'worker-c')]);
    await advanceRotation(runId, clock, 'worker-a'); // whatever a lost race left, the next pass finishes
    expect((await runOf(runId)).state).toBe('completed');
    const steps = await stepsOf(secret.id);
    expect(steps).toEqual(['rotation.start', 'rotation.value_written', 'rotation.verified', 'rotation.promoted', 'rotation.grace_ended']);
    expect(await new LocalProvider().listVersions(secret.providerRef)).toHaveLength(2);
  });
});

describe('the worker tick', () => {
  it('starts due automatic rotations, and sends one due-soon and one overdue notice per due date', async () => {
    const { secret } = await rotatableSecret('generated');
    const clock = new ManualClock(new Date('2026-11-26T10:00:00Z'));
    await db.secret.update({
      where: { id: secret.id },
      data: { autoRotate: true, rotationIntervalDays: 30, nextDueAt: new Date('2026-11-30T00:00:00Z'), reminderDays: 7 },
    });
    let ids = await rotationTick(clock);
    expect(await db.rotationRun.count({ where: { secretId: secret.id } })).toBe(0); // not due yet
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).remindedForDueAt).toEqual(new Date('2026-11-30T00:00:00Z'));

    clock.set(new Date('2026-12-01T00:00:00Z'));
    ids = await rotationTick(clock);
    const run = await db.rotationRun.findFirstOrThrow({ where: { secretId: secret.id } });
    expect(run).toMatchObject({ trigger: 'scheduled', state: 'requested', requestedByEmail: null });
    expect(ids).toContain(run.id);
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).overdueNoticeForDueAt).toEqual(new Date('2026-11-30T00:00:00Z'));
    const start = (await auditEventsFor(secret.id)).find((e) => e.action === 'rotation.start');
    expect(start?.actorEmail).toBe('rotation-worker');
  });
});

describe('who may rotate', () => {
  it.each(['viewer', 'auditor', null] as const)('%s cannot start a rotation, is audited, and nothing changes', async (role) => {
    const { secret } = await rotatableSecret('generated');
    const caller = await callerAs(role);
    await expect(startRotation(caller, secret.id)).rejects.toThrow(ForbiddenError);
    expect(await db.rotationRun.count({ where: { secretId: secret.id } })).toBe(0);
    expect((await auditEventsFor(secret.id)).filter((e) => e.outcome === 'denied').map((e) => e.action)).toEqual(['rotation.start']);
  });
});

describe('the grace period on the worker', () => {
  it("the tick picks a run in grace up when its next look is due: a local secret's at the end of the period, nothing being observable", async () => {
    const { engineer, secret } = await rotatableSecret('generated');
    const { ownerTeamId } = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    const system = await db.system.create({ data: { name: `orders-${randomUUID().slice(0, 6)}`, ownerTeamId, principals: ['orders-api'] } });
    await db.secretConsumer.create({ data: { secretId: secret.id, systemId: system.id } });
    const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'w');
    const run = await runOf(runId);
    expect(run).toMatchObject({ state: 'in_grace', nextAttemptAt: run.graceEndsAt });
    // The declared system is listed, not observable: it can never count as moved.
    expect(await db.rotationAdoption.findMany({ where: { runId } })).toMatchObject([{ systemId: system.id, declared: true, observable: false }]);
    clock.advance(23 * HOUR);
    expect(await rotationTick(clock)).not.toContain(runId);
    clock.advance(2 * HOUR);
    expect(await rotationTick(clock)).toContain(runId);
    await advanceRotation(runId, clock, 'w');
    const ended = (await auditEventsFor(secret.id)).find((e) => e.action === 'rotation.grace_ended');
    expect(ended?.detail).toMatchObject({ decision: 'stragglers_retired', stragglers: [system.name] });
    expect((await runOf(runId)).state).toBe('completed');
  });
});

describe('retire the old value now', () => {
  it('in the grace period only, by a member of the owning team; recorded as the person decided it', async () => {
    const { engineer, secret } = await rotatableSecret('generated');
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await expect(retireOldValueNow(engineer, runId, clock)).rejects.toThrow(InputError); // not promoted yet
    await advanceRotation(runId, clock, 'w');
    expect((await runOf(runId)).state).toBe('in_grace');
    const outsider = await callerAs('engineer'); // not of the owning team
    await expect(retireOldValueNow(outsider, runId, clock)).rejects.toThrow(ForbiddenError);
    expect((await runOf(runId)).state).toBe('in_grace');

    await retireOldValueNow(engineer, runId, clock);
    expect((await runOf(runId)).state).toBe('completed');
    const versions = (await listSecretVersions(engineer, secret.id)).versions;
    expect(versions.map((v) => [v.versionId, v.state])).toEqual([
      ['2', 'enabled'],
      ['1', 'disabled'],
    ]);
    const ended = (await auditEventsFor(secret.id)).find((e) => e.action === 'rotation.grace_ended');
    expect(ended?.detail).toMatchObject({ decision: 'person', stragglers: [], retiredVersionId: '1' });
    expect(ended?.actorEmail).toBe(engineer.user!.email);
    await expect(retireOldValueNow(engineer, runId, clock)).rejects.toThrow(InputError); // finished
  });
});

describe('notifications', () => {
  it('tells subscribed channels that a rotation started and completed, with metadata only', async () => {
    const { engineer, secret } = await rotatableSecret('generated');
    const channel = await db.notificationChannel.create({
      data: { name: `ops-${randomUUID().slice(0, 8)}`, kind: 'webhook', url: 'http://127.0.0.1:9/hook', events: ['rotation.started', 'rotation.completed'] },
    });
    const clock = new ManualClock();
    const { runId } = await startRotation(engineer, secret.id, { graceHours: 0 }, clock);
    await advanceRotation(runId, clock, 'w');
    const deliveries = await db.notificationDelivery.findMany({ where: { channelId: channel.id }, orderBy: { createdAt: 'asc' } });
    expect(deliveries.map((d) => d.event)).toEqual(['rotation.started', 'rotation.completed']);
    expect(deliveries[1].payload).toMatchObject({ secret: { id: secret.id, name: secret.name }, run: { id: runId, state: 'completed' } });
    const value = (await new LocalProvider().readValue(secret.providerRef)).reveal();
    expect(JSON.stringify(deliveries)).not.toContain(value);
  });
});
