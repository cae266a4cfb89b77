// Rotation health per day, for the home page's chart over time. The worker calls
// recordHealthSnapshot once a day (more often is harmless: the day's row is replaced);
// the home page adds a live figure for today from healthFiguresAt. Both use the same
// definitions, in SQL, so the chart's last point and today's snapshot agree:
//   total          secrets in use (every status but decommissioned, as the inventory's default view)
//   within policy  has an interval and is not overdue (next due at or after now)
//   overdue        next due before now
//   never rotated  no last-rotated date
//   no policy      no interval
// within policy + overdue + no policy = total. "Now" comes from the injected clock.
import { Prisma } from '@/generated/prisma/client';
import { db } from '@/lib/db';

export type HealthFigures = {
  total: number;
  withinPolicy: number;
  overdue: number;
  neverRotated: number;
  noPolicy: number;
};

/** The figures, each column named as its HealthFigures field. */
function figuresSelect(now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE s.rotation_interval_days IS NOT NULL AND s.next_due_at >= ${now})::int AS "withinPolicy",
           count(*) FILTER (WHERE s.next_due_at < ${now})::int AS overdue,
           count(*) FILTER (WHERE s.last_rotated_at IS NULL)::int AS "neverRotated",
           count(*) FILTER (WHERE s.rotation_interval_days IS NULL)::int AS "noPolicy"
    FROM secrets s
    WHERE s.status <> 'decommissioned'::"SecretStatus"`;
}

/** The UTC calendar day of `now`, as the snapshot table keys it. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Upserts the row for now's UTC day in one statement; returns what it recorded. */
export async function recordHealthSnapshot(now: Date): Promise<HealthFigures & { day: string }> {
  const day = utcDay(now);
  const [figures] = await db.$queryRaw<HealthFigures[]>`
    INSERT INTO rotation_health_snapshots AS h (day, total, within_policy, overdue, never_rotated, no_policy, created_at)
    SELECT ${day}::date, f.total, f."withinPolicy", f.overdue, f."neverRotated", f."noPolicy", ${now}
    FROM (${figuresSelect(now)}) f
    ON CONFLICT (day) DO UPDATE SET total = EXCLUDED.total, within_policy = EXCLUDED.within_policy,
      overdue = EXCLUDED.overdue, never_rotated = EXCLUDED.never_rotated, no_policy = EXCLUDED.no_policy,
      created_at = EXCLUDED.created_at
    RETURNING h.total, h.within_policy AS "withinPolicy", h.overdue, h.never_rotated AS "neverRotated", h.no_policy AS "noPolicy"`;
  return { day, ...figures };
}

/** Today's figures computed live (not stored). */
export async function healthFiguresAt(now: Date): Promise<HealthFigures> {
  const [figures] = await db.$queryRaw<HealthFigures[]>(figuresSelect(now));
  return figures;
}
