// Rotation health per day: the snapshot the worker records (one upserted row per UTC
// day) and the series the home page charts (recorded days plus a live figure for today).
// This file's database holds only the secrets seeded here, so the figures are exact.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecretStatus } from '@/generated/prisma/enums';
import { ManualClock } from '@/lib/clock';
import { db } from '@/lib/db';
import { healthSeries } from '@/lib/data/rotation-views';
import { ForbiddenError } from '@/lib/errors';
import { healthFiguresAt, recordHealthSnapshot } from '@/lib/rotation/health-snapshot';
import { callerAs, environmentId, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const NOW = new Date('2030-06-15T12:00:00Z');
const DAY = 86_400_000;

async function seed(rows: { nextDueAt: Date | null; lastRotatedAt: Date | null; interval: number | null; status?: SecretStatus }[]) {
  const team = await seedTeam();
  const env = await environmentId();
  for (const r of rows) {
    await db.secret.create({
      data: {
        name: `health-${randomUUID().slice(0, 8)}`,
        environmentId: env,
        ownerTeamId: team.id,
        classification: 'important',
        status: r.status ?? 'active',
        nextDueAt: r.nextDueAt,
        lastRotatedAt: r.lastRotatedAt,
        rotationIntervalDays: r.interval,
      },
    });
  }
}

describe('rotation health snapshots', () => {
  it('records the day’s figures in one row per UTC day, replacing it when recorded again', async () => {
    const rotated = new Date('2030-05-01T00:00:00Z');
    await seed([
      { nextDueAt: new Date(NOW.getTime() + 10 * DAY), lastRotatedAt: rotated, interval: 90 }, // within policy
      { nextDueAt: NOW, lastRotatedAt: rotated, interval: 45 }, // due this instant: still within
      { nextDueAt: new Date(NOW.getTime() - DAY), lastRotatedAt: rotated, interval: 30 }, // overdue
      { nextDueAt: new Date('2030-01-01T00:00:00Z'), lastRotatedAt: null, interval: 90 }, // never rotated, overdue
      { nextDueAt: null, lastRotatedAt: null, interval: null }, // never rotated, no policy
      { nextDueAt: null, lastRotatedAt: rotated, interval: null }, // no policy
      { nextDueAt: new Date(NOW.getTime() - DAY), lastRotatedAt: rotated, interval: 30, status: 'compromised' }, // overdue
      { nextDueAt: new Date(NOW.getTime() - DAY), lastRotatedAt: rotated, interval: 30, status: 'decommissioned' }, // not counted
    ]);

    const expected = { total: 7, withinPolicy: 2, overdue: 3, neverRotated: 2, noPolicy: 2 };
    expect(await recordHealthSnapshot(NOW)).toEqual({ day: '2030-06-15', ...expected });
    expect(await healthFiguresAt(NOW)).toEqual(expected);
    expect(expected.withinPolicy + expected.overdue + expected.noPolicy).toBe(expected.total);

    // Eleven hours later the same UTC day, the secret due at NOW and a new one due an hour later have gone overdue.
    const later = new Date(NOW.getTime() + 11 * 3_600_000);
    await seed([{ nextDueAt: new Date(NOW.getTime() + 3_600_000), lastRotatedAt: rotated, interval: 30 }]);
    await recordHealthSnapshot(later);
    const rows = await db.rotationHealthSnapshot.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ day: new Date('2030-06-15T00:00:00Z'), total: 8, withinPolicy: 1, overdue: 5 });

    // The next UTC day is a row of its own.
    await recordHealthSnapshot(new Date('2030-06-16T00:00:01Z'));
    expect((await db.rotationHealthSnapshot.findMany({ orderBy: { day: 'asc' } })).map((r) => r.day.toISOString().slice(0, 10))).toEqual([
      '2030-06-15',
      '2030-06-16',
    ]);
  });

  it('charts the last N days of snapshots, oldest first, ending with a live figure for today', async () => {
    await db.rotationHealthSnapshot.deleteMany();
    const snap = (day: string, withinPolicy: number) =>
      db.rotationHealthSnapshot.create({
        data: { day: new Date(`${day}T00:00:00Z`), total: 10, withinPolicy, overdue: 10 - withinPolicy, neverRotated: 0, noPolicy: 0 },
      });
    await snap('2030-07-01', 1); // outside a 7-day window ending 2030-07-10
    await snap('2030-07-04', 4);
    await snap('2030-07-08', 8);
    await snap('2030-07-10', 0); // today's stored row is replaced by the live figure
    const clock = new ManualClock(new Date('2030-07-10T08:00:00Z'));

    const series = await healthSeries(await callerAs('viewer'), 7, clock);
    expect(series.map((p) => [p.day, p.live])).toEqual([
      ['2030-07-04', false],
      ['2030-07-08', false],
      ['2030-07-10', true],
    ]);
    expect(series[0]).toMatchObject({ total: 10, withinPolicy: 4, overdue: 6 });
    expect(series.at(-1)).toMatchObject(await healthFiguresAt(clock.now()));

    await expect(healthSeries(await callerAs(null), 7, clock)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await db.auditEvent.count({ where: { action: 'rotation.health', outcome: 'denied' } })).toBe(1);
  });
});
