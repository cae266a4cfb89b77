// The Rotation area's lists, counts and calendar against real PostgreSQL: secrets and
// rotation runs are seeded straight into the tables, time comes from a ManualClock, and
// every test tags its own secrets so it can filter to exactly them.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Classification, RotationState, SecretStatus } from '@/generated/prisma/enums';
import { ManualClock } from '@/lib/clock';
import { db } from '@/lib/db';
import { listRotationBucket, rotationCalendar, rotationCalendarDay, rotationCounts, type RotationPage } from '@/lib/data/rotation-views';
import { ForbiddenError } from '@/lib/errors';
import type { RotationBucket, RotationFilters } from '@/lib/validation/rotation-list';
import { callerAs, environmentId, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const NOW = new Date('2030-06-15T12:00:00Z');
const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const daysFromNow = (n: number) => new Date(NOW.getTime() + n * DAY);
const newTag = () => `t-${randomUUID().slice(0, 8)}`;

type SecretSeed = {
  name?: string;
  tag: string;
  nextDueAt?: Date | null;
  lastRotatedAt?: Date | null;
  interval?: number | null;
  status?: SecretStatus;
  classification?: Classification;
  teamId?: string;
  environment?: 'development' | 'staging' | 'production';
  expiresAt?: Date;
};

let sharedTeam: string | undefined;
async function seedSecret(s: SecretSeed): Promise<{ id: string; name: string }> {
  sharedTeam ??= (await seedTeam()).id;
  const name = s.name ?? `secret-${randomUUID().slice(0, 8)}`;
  return db.secret.create({
    data: {
      name,
      environmentId: await environmentId(s.environment),
      ownerTeamId: s.teamId ?? sharedTeam,
      classification: s.classification ?? 'important',
      status: s.status ?? 'active',
      tags: [s.tag],
      searchText: `${name} ${s.tag}`.toLowerCase(),
      lastRotatedAt: s.lastRotatedAt === undefined ? at('2030-01-01T00:00:00Z') : s.lastRotatedAt,
      rotationIntervalDays: s.interval === undefined ? 90 : s.interval,
      nextDueAt: s.nextDueAt === undefined ? daysFromNow(200) : s.nextDueAt,
      expiresAt: s.expiresAt ?? null,
    },
    select: { id: true, name: true },
  });
}

async function seedRun(
  secretId: string,
  state: RotationState,
  options: { createdAt: Date; active?: boolean; graceEndsAt?: Date | null; updatedAt?: Date; failureMessage?: string },
) {
  const run = await db.rotationRun.create({
    data: {
      secretId,
      strategy: 'generated',
      trigger: 'manual',
      state,
      graceHours: 24,
      createdAt: options.createdAt,
      graceEndsAt: options.graceEndsAt ?? null,
      failureCode: state === 'failed' ? 'unreachable' : null,
      failureMessage: options.failureMessage ?? null,
    },
    select: { id: true },
  });
  // updatedAt is @updatedAt (Prisma sets it to now on create): put the seeded time in directly.
  await db.$executeRaw`UPDATE rotation_runs SET updated_at = ${options.updatedAt ?? options.createdAt} WHERE id = ${run.id}::uuid`;
  if (options.active) await db.secret.update({ where: { id: secretId }, data: { activeRotationId: run.id } });
  return run;
}

const clock = new ManualClock(NOW);
const list = async (bucket: RotationBucket, filters: RotationFilters, options: { soonDays?: number; size?: number; after?: string } = {}) =>
  listRotationBucket(await callerAs('viewer'), bucket, filters, { soonDays: options.soonDays ?? 30, size: options.size ?? 50, after: options.after, clock });
const names = (page: RotationPage) => page.items.map((i) => i.name);

/** Every page of a bucket, following the cursors. */
async function allPages(bucket: RotationBucket, filters: RotationFilters, size: number): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | undefined;
  do {
    const page = await list(bucket, filters, { size, after });
    pages.push(names(page));
    after = page.nextCursor ?? undefined;
  } while (after && pages.length < 20);
  return pages;
}

describe('rotation buckets', () => {
  it('sorts each secret into its buckets, orders each bucket usefully, and counts them for the tabs', async () => {
    const tag = newTag();
    const s = async (name: string, seed: Omit<SecretSeed, 'tag' | 'name'> = {}) => seedSecret({ ...seed, name: `${tag}-${name}`, tag });
    const overdueOld = await s('overdue-old', { nextDueAt: at('2030-05-01T00:00:00Z') });
    const overdueNew = await s('overdue-new', { nextDueAt: at('2030-06-15T11:59:00Z') });
    await s('due-now', { nextDueAt: NOW }); // due this instant: not overdue yet, due soon
    await s('soon-25d', { nextDueAt: daysFromNow(25) });
    await s('later-45d', { nextDueAt: daysFromNow(45) }); // only with a wider window
    await s('never-no-policy', { lastRotatedAt: null, interval: null, nextDueAt: null });
    // Never rotated but with a policy: due since it was created, so overdue too.
    await s('never-with-policy', { lastRotatedAt: null, nextDueAt: at('2030-06-01T00:00:00Z') });
    await s('decommissioned', { status: 'decommissioned', nextDueAt: at('2030-04-01T00:00:00Z') });

    const progress = await s('in-progress');
    await seedRun(progress.id, 'completed', { createdAt: at('2030-01-01T00:00:00Z') });
    await seedRun(progress.id, 'awaiting_value', { createdAt: at('2030-06-14T00:00:00Z'), active: true });
    const progressOlder = await s('in-progress-older');
    await seedRun(progressOlder.id, 'value_written', { createdAt: at('2030-06-10T00:00:00Z'), active: true });

    const graceLate = await s('grace-late');
    await seedRun(graceLate.id, 'in_grace', { createdAt: at('2030-06-14T00:00:00Z'), active: true, graceEndsAt: at('2030-06-17T00:00:00Z') });
    const graceSoon = await s('grace-soon');
    await seedRun(graceSoon.id, 'in_grace', { createdAt: at('2030-06-14T00:00:00Z'), active: true, graceEndsAt: at('2030-06-16T00:00:00Z') });

    const failedOld = await s('failed-old');
    await seedRun(failedOld.id, 'failed', { createdAt: at('2030-06-01T00:00:00Z'), failureMessage: 'The provider could not be reached.' });
    const failedNew = await s('failed-new');
    await seedRun(failedNew.id, 'completed', { createdAt: at('2030-05-01T00:00:00Z') });
    await seedRun(failedNew.id, 'failed', { createdAt: at('2030-06-12T00:00:00Z') });
    // Failed once, then rotated fine: its latest run decides, so it is not "failed".
    const recovered = await s('recovered');
    await seedRun(recovered.id, 'failed', { createdAt: at('2030-06-02T00:00:00Z') });
    await seedRun(recovered.id, 'completed', { createdAt: at('2030-06-03T00:00:00Z') });
    // Finished runs leave no active run behind: not in progress.
    const finished = await s('finished');
    await seedRun(finished.id, 'rolled_back', { createdAt: at('2030-06-05T00:00:00Z') });

    const f = { tag };
    const n = (suffix: string) => `${tag}-${suffix}`;
    expect(names(await list('overdue', f))).toEqual([n('overdue-old'), n('never-with-policy'), n('overdue-new')]);
    expect(names(await list('soon', f))).toEqual([n('due-now'), n('soon-25d')]);
    expect(names(await list('soon', f, { soonDays: 60 }))).toEqual([n('due-now'), n('soon-25d'), n('later-45d')]);
    expect(names(await list('never', f))).toEqual([n('never-no-policy'), n('never-with-policy')]);
    expect(names(await list('in_progress', f))).toEqual([n('in-progress-older'), n('in-progress')]);
    expect(names(await list('in_grace', f))).toEqual([n('grace-soon'), n('grace-late')]);
    expect(names(await list('failed', f))).toEqual([n('failed-new'), n('failed-old')]);
    // Decommissioned secrets appear only when asked for, as in the inventory.
    expect(names(await list('overdue', { tag, status: 'any' }))).toContain(n('decommissioned'));
    expect(names(await list('overdue', { tag, status: 'decommissioned' }))).toEqual([n('decommissioned')]);

    const viewer = await callerAs('viewer');
    expect(await rotationCounts(viewer, f, { soonDays: 30, clock })).toEqual({
      overdue: 3,
      soon: 2,
      never: 2,
      in_progress: 2,
      failed: 2,
      in_grace: 2,
    });
    expect((await rotationCounts(viewer, f, { soonDays: 60, clock })).soon).toBe(3);

    // Rows carry what the table shows: the latest run, its state and times.
    const [failedRow] = (await list('failed', { tag, q: 'failed-old' })).items;
    expect(failedRow).toMatchObject({
      id: failedOld.id,
      environment: 'production',
      strategy: 'manual',
      autoRotate: false,
      lastRun: { state: 'failed', failureCode: 'unreachable', failureMessage: 'The provider could not be reached.' },
    });
    const [graceRow] = (await list('in_grace', { tag, q: 'grace-soon' })).items;
    expect(graceRow.lastRun).toMatchObject({ state: 'in_grace', graceEndsAt: '2030-06-16T00:00:00.000Z' });
    const [progressRow] = (await list('in_progress', { tag, q: 'in-progress-older' })).items;
    expect(progressRow.lastRun).toMatchObject({ state: 'value_written', startedAt: '2030-06-10T00:00:00.000Z' });
    expect((await list('overdue', { tag, q: 'overdue-old' })).items[0]).toMatchObject({
      id: overdueOld.id,
      lastRun: null,
      nextDueAt: '2030-05-01T00:00:00.000Z',
    });
    expect(overdueNew.id).toBeTruthy();
  });

  it('takes now from the injected clock: moving it moves secrets from due soon to overdue', async () => {
    const tag = newTag();
    const secret = await seedSecret({ tag, nextDueAt: daysFromNow(3) });
    const viewer = await callerAs('viewer');
    const later = new ManualClock(daysFromNow(4));
    expect((await rotationCounts(viewer, { tag }, { soonDays: 30, clock })).overdue).toBe(0);
    expect((await rotationCounts(viewer, { tag }, { soonDays: 30, clock: later })).overdue).toBe(1);
    const page = await listRotationBucket(viewer, 'overdue', { tag }, { soonDays: 30, size: 50, clock: later });
    expect(page.items.map((i) => i.id)).toEqual([secret.id]);
  });

  it('applies every inventory filter: environment, owner, system, classification, status, tag and text', async () => {
    const tag = newTag();
    const team = await seedTeam();
    const system = await seedSystem(team.id);
    const overdue = at('2030-06-01T00:00:00Z');
    const target = await seedSecret({
      tag,
      name: `${tag}-payments-key`,
      teamId: team.id,
      classification: 'critical',
      environment: 'staging',
      nextDueAt: overdue,
    });
    await db.secretConsumer.create({ data: { secretId: target.id, systemId: system.id } });
    // One decoy per filter, each matching everything but that filter.
    await seedSecret({ tag, name: `${tag}-payments-prod`, teamId: team.id, classification: 'critical', environment: 'production', nextDueAt: overdue });
    await seedSecret({ tag, name: `${tag}-payments-other-team`, classification: 'critical', environment: 'staging', nextDueAt: overdue });
    await seedSecret({ tag, name: `${tag}-payments-sensitive`, teamId: team.id, classification: 'sensitive', environment: 'staging', nextDueAt: overdue });
    await seedSecret({ tag, name: `${tag}-billing-key`, teamId: team.id, classification: 'critical', environment: 'staging', nextDueAt: overdue });
    await seedSecret({
      tag,
      name: `${tag}-payments-deprecated`,
      teamId: team.id,
      classification: 'critical',
      environment: 'staging',
      status: 'deprecated',
      nextDueAt: overdue,
    });

    const all = { tag };
    expect((await list('overdue', all)).items).toHaveLength(6);
    const only = [`${tag}-payments-key`];
    expect(names(await list('overdue', { tag, env: 'staging', owner: team.id, classification: 'critical', q: 'payments', status: 'active' }))).toEqual(only);
    expect(names(await list('overdue', { tag, system: system.id }))).toEqual(only);
    expect(names(await list('overdue', { tag, status: 'deprecated' }))).toEqual([`${tag}-payments-deprecated`]);
    expect(names(await list('overdue', { tag: 'no-such-tag' }))).toEqual([]);
    const counts = await rotationCounts(await callerAs('auditor'), { tag, env: 'staging', owner: team.id, q: 'payments' }, { soonDays: 30, clock });
    expect(counts.overdue).toBe(3); // payments-key, payments-sensitive, payments-deprecated
  });

  it('pages every bucket by keyset without repeats or gaps, including ties and descending order', async () => {
    const tag = newTag();
    const sameDue = at('2030-06-01T00:00:00Z');
    for (let i = 0; i < 5; i++) await seedSecret({ tag, name: `${tag}-tie-${i}`, nextDueAt: sameDue });
    for (let i = 0; i < 3; i++) {
      const secret = await seedSecret({ tag, name: `${tag}-failed-${i}` });
      await seedRun(secret.id, 'failed', { createdAt: at(`2030-06-0${i + 1}T00:00:00Z`) });
    }
    for (let i = 0; i < 3; i++) {
      const secret = await seedSecret({ tag, name: `${tag}-grace-${i}` });
      // One with no grace end recorded: sorted last, still paged.
      await seedRun(secret.id, 'in_grace', {
        createdAt: at('2030-06-14T00:00:00Z'),
        active: true,
        graceEndsAt: i === 0 ? null : at(`2030-06-1${6 + i}T00:00:00Z`),
      });
    }

    const overduePages = await allPages('overdue', { tag }, 2);
    expect(overduePages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(new Set(overduePages.flat()).size).toBe(5);

    expect(await allPages('failed', { tag }, 2)).toEqual([[`${tag}-failed-2`, `${tag}-failed-1`], [`${tag}-failed-0`]]);
    expect(await allPages('in_grace', { tag }, 1)).toEqual([[`${tag}-grace-1`], [`${tag}-grace-2`], [`${tag}-grace-0`]]);
    expect((await allPages('never', { tag }, 50)).flat()).toEqual([]);
    // A cursor that does not decode is the first page, not an error.
    expect(names(await list('overdue', { tag }, { size: 2, after: 'not-a-cursor' }))).toEqual(overduePages[0]);
  });

  it('refuses a signed-out caller, auditing the denial; every role may read', async () => {
    // Each from an address of its own: one address's later denials in a minute are only counted.
    const before = await db.auditEvent.count({ where: { action: 'rotation.list', outcome: 'denied' } });
    await expect(listRotationBucket(await callerAs(null), 'overdue', {}, { soonDays: 30, size: 50, clock })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(rotationCounts(await callerAs(null), {}, { soonDays: 30, clock })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(rotationCalendar(await callerAs(null), {}, '2030-06')).rejects.toBeInstanceOf(ForbiddenError);
    expect(await db.auditEvent.count({ where: { action: 'rotation.list', outcome: 'denied' } })).toBe(before + 2);
    expect(await db.auditEvent.count({ where: { action: 'rotation.calendar', outcome: 'denied' } })).toBe(1);
    for (const role of ['viewer', 'engineer', 'auditor', 'admin'] as const) {
      await expect(rotationCounts(await callerAs(role), { tag: 'none' }, { soonDays: 30, clock })).resolves.toMatchObject({ overdue: 0 });
    }
  });
});

describe('rotation calendar', () => {
  it('counts secrets per UTC day of the month and lists one day’s secrets, filtered', async () => {
    const tag = newTag();
    const a = await seedSecret({ tag, name: `${tag}-a`, nextDueAt: at('2030-06-03T09:00:00Z') });
    const b = await seedSecret({ tag, name: `${tag}-b`, nextDueAt: at('2030-06-03T08:00:00Z') });
    await seedSecret({ tag, name: `${tag}-c`, nextDueAt: at('2030-06-03T23:59:59Z'), classification: 'critical' });
    await seedSecret({ tag, name: `${tag}-first`, nextDueAt: at('2030-06-01T00:00:00Z') });
    await seedSecret({ tag, name: `${tag}-last`, nextDueAt: at('2030-06-30T23:30:00Z') });
    await seedSecret({ tag, name: `${tag}-july`, nextDueAt: at('2030-07-01T00:00:00Z') });
    await seedSecret({ tag, name: `${tag}-may`, nextDueAt: at('2030-05-31T23:59:59Z') });
    await seedSecret({ tag, name: `${tag}-none`, nextDueAt: null, interval: null });
    await seedSecret({ tag, name: `${tag}-gone`, nextDueAt: at('2030-06-03T10:00:00Z'), status: 'decommissioned' });

    const viewer = await callerAs('viewer');
    expect(await rotationCalendar(viewer, { tag }, '2030-06')).toEqual({
      month: '2030-06',
      days: [
        { day: '2030-06-01', count: 1 },
        { day: '2030-06-03', count: 3 },
        { day: '2030-06-30', count: 1 },
      ],
      expiries: [],
    });
    expect((await rotationCalendar(viewer, { tag, classification: 'critical' }, '2030-06')).days).toEqual([{ day: '2030-06-03', count: 1 }]);
    expect((await rotationCalendar(viewer, { tag }, '2030-07')).days).toEqual([{ day: '2030-07-01', count: 1 }]);

    const day = await rotationCalendarDay(viewer, { tag }, '2030-06-03', { size: 2 });
    expect(day.items.map((i) => i.id)).toEqual([b.id, a.id]);
    const rest = await rotationCalendarDay(viewer, { tag }, '2030-06-03', { size: 2, after: day.nextCursor! });
    expect(rest.items.map((i) => i.name)).toEqual([`${tag}-c`]);
    expect(rest.nextCursor).toBeNull();
    expect((await rotationCalendarDay(viewer, { tag }, '2030-06-02', { size: 50 })).items).toEqual([]);
  });

  it('places credential expiries on their own day, apart from due dates, and lists them per day', async () => {
    const tag = newTag();
    // Due on the 10th (expiry minus its lead), expiring on the 24th: two entries, on two days.
    const cert = await seedSecret({ tag, name: `${tag}-cert`, nextDueAt: at('2030-06-10T12:00:00Z'), expiresAt: at('2030-06-24T12:00:00Z') });
    await seedSecret({ tag, name: `${tag}-key`, nextDueAt: at('2030-06-24T08:00:00Z'), expiresAt: at('2030-08-01T00:00:00Z') });
    const viewer = await callerAs('viewer');
    expect(await rotationCalendar(viewer, { tag }, '2030-06')).toEqual({
      month: '2030-06',
      days: [
        { day: '2030-06-10', count: 1 },
        { day: '2030-06-24', count: 1 },
      ],
      expiries: [{ day: '2030-06-24', count: 1 }],
    });
    const expiring = await rotationCalendarDay(viewer, { tag }, '2030-06-24', { size: 50 }, 'expiry');
    expect(expiring.items.map((i) => [i.id, i.expiresAt])).toEqual([[cert.id, '2030-06-24T12:00:00.000Z']]);
    expect((await rotationCalendarDay(viewer, { tag }, '2030-06-24', { size: 50 })).items.map((i) => i.name)).toEqual([`${tag}-key`]);
  });
});
