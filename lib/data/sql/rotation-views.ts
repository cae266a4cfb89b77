// The SQL behind the Rotation area: one keyset page per bucket (overdue, due soon, never
// rotated, in progress, failed, in grace), the per-bucket counts for the tabs, and the
// calendar's per-day counts and day list. Filters are the inventory's own
// (filterConditions in secret-list-sql.ts), so both areas filter alike. "Now" is a
// parameter from the injected clock, never the database's now(), so tests can move time.
// Free of 'server-only' like secret-list-sql.ts, so a benchmark can run the same statements.
import { Prisma } from '@/generated/prisma/client';
import type { RotationState, RotationStrategy, RotationTrigger } from '@/generated/prisma/enums';
import { asInventoryFilters, type RotationBucket, type RotationFilters } from '@/lib/validation/rotation-list';
import { decodeCursor } from '@/lib/db/cursor';
import { afterCursor, and, cursorValueSql, filterConditions, type SecretRowHead, type SortSpec } from './secret-list';

/** States after which a run is over; a run in any other state is the secret's active one. */
export const TERMINAL_STATES = ['completed', 'failed', 'rolled_back', 'cancelled'] as const satisfies readonly RotationState[];

export type RotationListRow = SecretRowHead & {
  rotation_strategy: RotationStrategy;
  auto_rotate: boolean;
  last_rotated_at: Date | null;
  next_due_at: Date | null;
  expires_at: Date | null;
  rotation_interval_days: number | null;
  /** The bucket's sort key as the cursor carries it (cursorValueSql). */
  cursor_value: string | null;
  // The secret's latest run (for in progress / in grace that is its active run).
  run_id: string | null;
  run_state: RotationState | null;
  run_trigger: RotationTrigger | null;
  run_started_at: Date | null;
  run_grace_ends_at: Date | null;
  run_finished_at: Date | null;
  run_updated_at: Date | null;
  run_failure_code: string | null;
  run_failure_message: string | null;
};

export type RotationCountsRow = {
  overdue: number;
  due_soon: number;
  never_rotated: number;
  in_progress: number;
  failed: number;
  in_grace: number;
};

const DAY_MS = 86_400_000;

/** Where rows come from and which ones a bucket holds. */
type Selection = { source: Prisma.Sql; conditions: Prisma.Sql[]; sort: SortSpec };

const terminalOrGrace = Prisma.sql`('completed', 'failed', 'rolled_back', 'cancelled', 'in_grace')`;

/** No run started after this one for the same secret: it is the secret's latest. */
const isLatestRun = (alias: string) => {
  const a = Prisma.raw(alias);
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM rotation_runs n WHERE n.secret_id = ${a}.secret_id
                      AND (n.created_at, n.id) > (${a}.created_at, ${a}.id))`;
};

function bucketSelection(bucket: RotationBucket, now: Date, soonDays: number): Selection {
  const nextDue: SortSpec = { column: Prisma.sql`s.next_due_at`, direction: 'ASC', nullable: false, type: 'timestamptz' };
  const secrets = Prisma.sql`secrets s`;
  switch (bucket) {
    case 'overdue':
      return { source: secrets, conditions: [Prisma.sql`s.next_due_at < ${now}`], sort: nextDue };
    case 'soon':
      return {
        source: secrets,
        conditions: [Prisma.sql`s.next_due_at >= ${now} AND s.next_due_at < ${new Date(now.getTime() + soonDays * DAY_MS)}`],
        sort: nextDue,
      };
    case 'never':
      return {
        source: secrets,
        conditions: [Prisma.sql`s.last_rotated_at IS NULL`],
        sort: { column: Prisma.sql`s.name`, direction: 'ASC', nullable: false, type: 'text' },
      };
    case 'in_progress':
      // Longest-running first: those are the ones that look stuck.
      return {
        source: Prisma.sql`secrets s JOIN rotation_runs ar ON ar.id = s.active_rotation_id`,
        conditions: [Prisma.sql`ar.state NOT IN ${terminalOrGrace}`],
        sort: { column: Prisma.sql`ar.created_at`, direction: 'ASC', nullable: false, type: 'timestamptz' },
      };
    case 'in_grace':
      // Soonest grace end first: the old value stops working then.
      return {
        source: Prisma.sql`secrets s JOIN rotation_runs ar ON ar.id = s.active_rotation_id`,
        conditions: [Prisma.sql`ar.state = 'in_grace'::"RotationState"`],
        sort: { column: Prisma.sql`ar.grace_ends_at`, direction: 'ASC', nullable: true, type: 'timestamptz' },
      };
    case 'failed':
      // Driven from the (few) failed runs; most recent failure first.
      return {
        source: Prisma.sql`rotation_runs fr JOIN secrets s ON s.id = fr.secret_id`,
        conditions: [Prisma.sql`fr.state = 'failed'::"RotationState"`, isLatestRun('fr')],
        sort: { column: Prisma.sql`fr.updated_at`, direction: 'DESC', nullable: false, type: 'timestamptz' },
      };
  }
}

/** One page (size + 1 rows, to know whether there is a next) of a selection, with each secret's latest run. */
function pageSql(selection: Selection, filters: RotationFilters, size: number, after: string | undefined): Prisma.Sql {
  const { source, sort } = selection;
  const cursor = decodeCursor(after);
  const where = [...filterConditions(asInventoryFilters(filters)), ...selection.conditions];
  if (cursor) where.push(afterCursor(sort, cursor));
  const order = Prisma.raw(sort.nullable ? `${sort.direction} NULLS LAST, p.id ${sort.direction}` : `${sort.direction}, p.id ${sort.direction}`);
  const innerOrder = Prisma.raw(sort.nullable ? `${sort.direction} NULLS LAST, s.id ${sort.direction}` : `${sort.direction}, s.id ${sort.direction}`);
  // The page is chosen first and only its rows look up their latest run.
  return Prisma.sql`
    SELECT p.*, e.name AS environment, t.name AS team_name,
           lr.id AS run_id, lr.state AS run_state, lr.trigger AS run_trigger, lr.created_at AS run_started_at,
           lr.grace_ends_at AS run_grace_ends_at, lr.finished_at AS run_finished_at, lr.updated_at AS run_updated_at,
           lr.failure_code AS run_failure_code, lr.failure_message AS run_failure_message
    FROM (
      SELECT s.id, s.name, s.environment_id, s.owner_team_id AS team_id, s.classification, s.status,
             s.rotation_strategy, s.auto_rotate, s.last_rotated_at, s.next_due_at, s.expires_at, s.rotation_interval_days,
             ${sort.column} AS sort_value, ${cursorValueSql(sort)} AS cursor_value
      FROM ${source}
      WHERE ${and(where)}
      ORDER BY ${sort.column} ${innerOrder}
      LIMIT ${size + 1}
    ) p
    JOIN environments e ON e.id = p.environment_id
    JOIN teams t ON t.id = p.team_id
    LEFT JOIN LATERAL (
      SELECT r.* FROM rotation_runs r WHERE r.secret_id = p.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1
    ) lr ON TRUE
    ORDER BY p.sort_value ${order}`;
}

export function rotationBucketSql(
  bucket: RotationBucket,
  filters: RotationFilters,
  options: { now: Date; soonDays: number; size: number; after?: string },
): Prisma.Sql {
  return pageSql(bucketSelection(bucket, options.now, options.soonDays), filters, options.size, options.after);
}

/** Every bucket's count under the filters, in one statement (the tabs). */
export function rotationCountsSql(filters: RotationFilters, options: { now: Date; soonDays: number }): Prisma.Sql {
  const f = and(filterConditions(asInventoryFilters(filters)));
  const { now } = options;
  const soonEnd = new Date(now.getTime() + options.soonDays * DAY_MS);
  return Prisma.sql`
    SELECT count(*) FILTER (WHERE s.next_due_at < ${now})::int AS overdue,
           count(*) FILTER (WHERE s.next_due_at >= ${now} AND s.next_due_at < ${soonEnd})::int AS due_soon,
           count(*) FILTER (WHERE s.last_rotated_at IS NULL)::int AS never_rotated,
           count(ar.id) FILTER (WHERE ar.state NOT IN ${terminalOrGrace})::int AS in_progress,
           count(ar.id) FILTER (WHERE ar.state = 'in_grace'::"RotationState")::int AS in_grace,
           (SELECT count(*) FROM rotation_runs fr JOIN secrets s ON s.id = fr.secret_id
             WHERE fr.state = 'failed'::"RotationState" AND ${isLatestRun('fr')} AND ${f})::int AS failed
    FROM secrets s
    LEFT JOIN rotation_runs ar ON ar.id = s.active_rotation_id
    WHERE ${f}`;
}

/** UTC bounds of a calendar month ('YYYY-MM'). */
export function monthBounds(month: string): { start: Date; end: Date } {
  const [y, m] = month.split('-').map(Number);
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
}

/** The column a calendar places secrets by: their next-due date, or their credential's expiry. */
export type CalendarEntry = 'due' | 'expiry';
const CALENDAR_COLUMN: Record<CalendarEntry, Prisma.Sql> = { due: Prisma.sql`s.next_due_at`, expiry: Prisma.sql`s.expires_at` };

/** How many secrets fall due (or expire) on each UTC day of a month. */
export function calendarCountsSql(filters: RotationFilters, month: string, entry: CalendarEntry = 'due'): Prisma.Sql {
  const { start, end } = monthBounds(month);
  const column = CALENDAR_COLUMN[entry];
  const where = [...filterConditions(asInventoryFilters(filters)), Prisma.sql`${column} >= ${start} AND ${column} < ${end}`];
  return Prisma.sql`
    SELECT to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS count
    FROM secrets s
    WHERE ${and(where)}
    GROUP BY 1
    ORDER BY 1`;
}

/** The secrets due (or expiring) on one UTC day ('YYYY-MM-DD'), soonest first. */
export function calendarDaySql(filters: RotationFilters, day: string, options: { size: number; after?: string }, entry: CalendarEntry = 'due'): Prisma.Sql {
  const start = new Date(`${day}T00:00:00Z`);
  const end = new Date(start.getTime() + DAY_MS);
  const column = CALENDAR_COLUMN[entry];
  return pageSql(
    {
      source: Prisma.sql`secrets s`,
      conditions: [Prisma.sql`${column} >= ${start} AND ${column} < ${end}`],
      sort: { column, direction: 'ASC', nullable: false, type: 'timestamptz' },
    },
    filters,
    options.size,
    options.after,
  );
}
