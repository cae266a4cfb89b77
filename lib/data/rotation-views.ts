// The Rotation area's read side: bucket lists (overdue, due soon, never rotated, in
// progress, failed, in grace) with their counts, the calendar of due dates, and rotation
// health over time. Everything here only reads: it authorizes 'secrets.read' (a denial
// is audited, as for the inventory list) and returns DTOs. "Now" comes from the injected
// clock, so tests and the e2e test clock move it.
import 'server-only';
import type { RotationState, RotationStrategy, RotationTrigger } from '@/generated/prisma/enums';
import { authorize } from '@/lib/auth/authorize';
import { actsOnEveryTeam } from '@/lib/auth/team-scope';
import type { Caller } from '@/lib/auth/caller';
import { appClock, type Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { healthFiguresAt, utcDay, type HealthFigures } from '@/lib/rotation/health-snapshot';
import type { RotationBucket, RotationFilters } from '@/lib/validation/rotation-list';
import { encodeCursor, keysetPage } from '@/lib/db/cursor';
import {
  calendarCountsSql,
  calendarDaySql,
  type CalendarEntry,
  rotationBucketSql,
  rotationCountsSql,
  type RotationCountsRow,
  type RotationListRow,
} from '@/lib/data/sql/rotation-views';
import { secretHeadOf, type SecretListHead } from '@/lib/data/sql/secret-list';

export type RotationRunSummary = {
  id: string;
  state: RotationState;
  trigger: RotationTrigger;
  startedAt: string;
  graceEndsAt: string | null;
  finishedAt: string | null;
  /** When the run last changed (for a failed run: when it failed). */
  updatedAt: string;
  failureCode: string | null;
  failureMessage: string | null;
};

export type RotationListItem = SecretListHead & {
  strategy: RotationStrategy;
  autoRotate: boolean;
  lastRotatedAt: string | null;
  nextDueAt: string | null;
  /** When the credential expires, if it does. */
  expiresAt: string | null;
  rotationIntervalDays: number | null;
  /** The secret's latest rotation run (its active one while a rotation is in progress). */
  lastRun: RotationRunSummary | null;
};

export type RotationPage = { items: RotationListItem[]; nextCursor: string | null };
export type RotationCounts = Record<RotationBucket, number>;

export type RotationViewOptions = {
  /** Days ahead that count as "due soon". */
  soonDays: number;
  size: number;
  after?: string;
  clock?: Clock;
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toItem(r: RotationListRow): RotationListItem {
  return {
    ...secretHeadOf(r),
    strategy: r.rotation_strategy,
    autoRotate: r.auto_rotate,
    lastRotatedAt: iso(r.last_rotated_at),
    nextDueAt: iso(r.next_due_at),
    expiresAt: iso(r.expires_at),
    rotationIntervalDays: r.rotation_interval_days,
    lastRun:
      r.run_id && r.run_state && r.run_trigger && r.run_started_at && r.run_updated_at
        ? {
            id: r.run_id,
            state: r.run_state,
            trigger: r.run_trigger,
            startedAt: r.run_started_at.toISOString(),
            graceEndsAt: iso(r.run_grace_ends_at),
            finishedAt: iso(r.run_finished_at),
            updatedAt: r.run_updated_at.toISOString(),
            failureCode: r.run_failure_code,
            failureMessage: r.run_failure_message,
          }
        : null,
  };
}

function toPage(rows: RotationListRow[], size: number): RotationPage {
  return keysetPage(rows, size, toItem, (last) => encodeCursor(last.cursor_value, last.id));
}

/** One page of a bucket, filtered like the inventory. */
export async function listRotationBucket(
  caller: Caller,
  bucket: RotationBucket,
  filters: RotationFilters,
  options: RotationViewOptions,
): Promise<RotationPage> {
  await authorize(caller, 'secrets.read', { action: 'rotation.list', targetType: 'secret' });
  const now = (options.clock ?? appClock()).now();
  const rows = await db.$queryRaw<RotationListRow[]>(
    rotationBucketSql(bucket, filters, { now, soonDays: options.soonDays, size: options.size, after: options.after }),
  );
  return toPage(rows, options.size);
}

/** Every bucket's count under the filters (the tabs, the home page). */
export async function rotationCounts(caller: Caller, filters: RotationFilters, options: { soonDays: number; clock?: Clock }): Promise<RotationCounts> {
  await authorize(caller, 'secrets.read', { action: 'rotation.list', targetType: 'secret' });
  const now = (options.clock ?? appClock()).now();
  const [c] = await db.$queryRaw<RotationCountsRow[]>(rotationCountsSql(filters, { now, soonDays: options.soonDays }));
  return {
    overdue: c.overdue,
    soon: c.due_soon,
    never: c.never_rotated,
    in_progress: c.in_progress,
    failed: c.failed,
    in_grace: c.in_grace,
  };
}

export type CalendarMonth = {
  month: string;
  /** Days of the month with at least one secret due, ascending. */
  days: { day: string; count: number }[];
  /** Days of the month on which at least one secret's credential expires, ascending. */
  expiries: { day: string; count: number }[];
};

/** How many secrets fall due, and how many credentials expire, on each (UTC) day of a month ('YYYY-MM'). */
export async function rotationCalendar(caller: Caller, filters: RotationFilters, month: string): Promise<CalendarMonth> {
  await authorize(caller, 'secrets.read', { action: 'rotation.calendar', targetType: 'secret' });
  const [days, expiries] = await Promise.all([
    db.$queryRaw<{ day: string; count: number }[]>(calendarCountsSql(filters, month, 'due')),
    db.$queryRaw<{ day: string; count: number }[]>(calendarCountsSql(filters, month, 'expiry')),
  ]);
  return { month, days, expiries };
}

/** The secrets due (or, for 'expiry', whose credential expires) on one (UTC) day ('YYYY-MM-DD'), keyset-paged. */
export async function rotationCalendarDay(
  caller: Caller,
  filters: RotationFilters,
  day: string,
  options: { size: number; after?: string },
  entry: CalendarEntry = 'due',
): Promise<RotationPage> {
  await authorize(caller, 'secrets.read', { action: 'rotation.calendar', targetType: 'secret' });
  const rows = await db.$queryRaw<RotationListRow[]>(calendarDaySql(filters, day, options, entry));
  return toPage(rows, options.size);
}

export type HealthPoint = HealthFigures & { day: string; live: boolean };

/**
 * The last `days` days of recorded health (oldest first), with today's point computed
 * live instead of read (today's snapshot, if any, is replaced by the live figure).
 * Days the worker did not record are absent: the chart shows the gap.
 */
export async function healthSeries(caller: Caller, days: number, clock: Clock = appClock()): Promise<HealthPoint[]> {
  await authorize(caller, 'secrets.read', { action: 'rotation.health', targetType: 'secret' });
  const now = clock.now();
  const today = utcDay(now);
  const first = utcDay(new Date(now.getTime() - (days - 1) * 86_400_000));
  const [rows, live] = await Promise.all([
    db.rotationHealthSnapshot.findMany({
      where: { day: { gte: new Date(`${first}T00:00:00Z`), lt: new Date(`${today}T00:00:00Z`) } },
      orderBy: { day: 'asc' },
      select: { day: true, total: true, withinPolicy: true, overdue: true, neverRotated: true, noPolicy: true },
    }),
    healthFiguresAt(now),
  ]);
  return [...rows.map(({ day, ...figures }) => ({ day: utcDay(day), live: false, ...figures })), { day: today, live: true, ...live }];
}

export type HeldRotation = {
  runId: string;
  secret: SecretListHead;
  heldAt: string;
  graceEndsAt: string | null;
  /** Consumers holding the retirement: declared ones not moved, undeclared ones on the old value. */
  stragglerCount: number;
  /** The first few of them, by name. */
  stragglers: string[];
};

const HELD_LIMIT = 50;

/**
 * Rotations whose grace period ended with consumers still on the old value and whose
 * policy holds the retirement (the Overview's "Held by stragglers"), newest hold first.
 * Team-scoped: administrators see every team's; everyone else their own teams' (the
 * people who can retire the old value or move the consumers).
 */
export async function listHeldRotations(caller: Caller): Promise<HeldRotation[]> {
  const user = await authorize(caller, 'secrets.read', { action: 'rotation.list', targetType: 'secret' });
  const runs = await db.rotationRun.findMany({
    where: {
      state: 'in_grace',
      heldAt: { not: null },
      ...(actsOnEveryTeam(user) ? {} : { secret: { ownerTeam: { members: { some: { userId: user.id } } } } }),
    },
    orderBy: [{ heldAt: 'desc' }, { id: 'desc' }],
    take: HELD_LIMIT,
    select: {
      id: true,
      heldAt: true,
      graceEndsAt: true,
      secret: {
        select: {
          id: true,
          name: true,
          classification: true,
          status: true,
          environment: { select: { name: true } },
          ownerTeam: { select: { id: true, name: true } },
        },
      },
      adoptions: {
        where: {
          OR: [
            { declared: true, OR: [{ movedAt: null }, { onOld: true }, { observable: false }] },
            { declared: false, onOld: true },
          ],
        },
        select: { label: true },
        orderBy: { label: 'asc' },
      },
    },
  });
  return runs.map((r) => ({
    runId: r.id,
    secret: {
      id: r.secret.id,
      name: r.secret.name,
      environment: r.secret.environment.name,
      ownerTeam: r.secret.ownerTeam,
      classification: r.secret.classification,
      status: r.secret.status,
    },
    heldAt: (r.heldAt as Date).toISOString(),
    graceEndsAt: iso(r.graceEndsAt),
    stragglerCount: r.adoptions.length,
    stragglers: r.adoptions.slice(0, 3).map((a) => a.label),
  }));
}
