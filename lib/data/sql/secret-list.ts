// The SQL behind the inventory list: filters, keyset condition and sort, as Prisma.Sql
// fragments. Kept apart from lib/data/secrets.ts (and free of 'server-only') so the
// benchmark can run exactly the same statements over a raw connection.
import { Prisma } from '@/generated/prisma/client';
import type { Classification, ProviderKind, SecretStatus } from '@/generated/prisma/enums';
import { DUE_SOON_DAYS, type SecretSort, type TSecretListQuery } from '@/lib/validation/secret-list';
import { decodeCursor } from '@/lib/db/cursor';
import { escapeLike } from '@/lib/db/like';

/**
 * A list's sort: its column, and the column's type, which a cursor's value is cast back
 * to in SQL. Cursor values come from PostgreSQL as text (cursorValueSql), so a page of
 * rows makes no Date objects just to be read and formatted again.
 */
export type SortSpec = {
  column: Prisma.Sql;
  direction: 'ASC' | 'DESC';
  nullable: boolean;
  type: 'text' | 'timestamptz';
};

const SORTS: Record<SecretSort, SortSpec> = {
  name: { column: Prisma.sql`s.name`, direction: 'ASC', nullable: false, type: 'text' },
  '-name': { column: Prisma.sql`s.name`, direction: 'DESC', nullable: false, type: 'text' },
  due: { column: Prisma.sql`s.next_due_at`, direction: 'ASC', nullable: true, type: 'timestamptz' },
  '-updated': { column: Prisma.sql`s.updated_at`, direction: 'DESC', nullable: false, type: 'timestamptz' },
};

/** A time as ISO 8601 text in UTC, to the millisecond as JavaScript reads it (formatted by PostgreSQL: no Date per cell). */
export function isoUtcSql(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A sort column's value as a cursor carries it (times are stored to the millisecond: timestamp(3)). */
export function cursorValueSql(sort: Pick<SortSpec, 'column' | 'type'>): Prisma.Sql {
  return sort.type === 'text' ? sort.column : isoUtcSql(sort.column);
}

/** The columns every list of secrets starts with: the inventory and the Rotation area show a secret alike. */
export type SecretRowHead = {
  id: string;
  name: string;
  environment: string;
  team_id: string;
  team_name: string;
  classification: Classification;
  status: SecretStatus;
};

/** What every list item of a secret starts with (the owning team as one object). */
export type SecretListHead = {
  id: string;
  name: string;
  environment: string;
  ownerTeam: { id: string; name: string };
  classification: Classification;
  status: SecretStatus;
};

/** A row's head as the lists' DTOs carry it. */
export function secretHeadOf(r: SecretRowHead): SecretListHead {
  return {
    id: r.id,
    name: r.name,
    environment: r.environment,
    ownerTeam: { id: r.team_id, name: r.team_name },
    classification: r.classification,
    status: r.status,
  };
}

/** A row of the inventory list: times already ISO text (isoUtcSql), and the sort column's value for the cursor. */
export type SecretListRow = SecretRowHead & {
  provider_kind: ProviderKind;
  last_rotated_at: string | null;
  next_due_at: string | null;
  expires_at: string | null;
  rotation_interval_days: number | null;
  consumer_count: number;
  tags: string[];
  cursor_value: string | null;
};

/** WHERE conditions for the filters (not the cursor), shared by the page, its counts and the CSV export. */
export function filterConditions(query: TSecretListQuery): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (query.q) where.push(Prisma.sql`s.${searchCondition(query.q)}`);
  if (query.env) where.push(Prisma.sql`s.environment_id = (SELECT id FROM environments WHERE name = ${query.env})`);
  if (query.owner) where.push(Prisma.sql`s.owner_team_id = ${query.owner}::uuid`);
  if (query.system) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM secret_consumers c WHERE c.secret_id = s.id AND c.system_id = ${query.system}::uuid)`);
  }
  if (query.classification) where.push(Prisma.sql`s.classification = ${query.classification}::"Classification"`);
  if (query.status && query.status !== 'any') where.push(Prisma.sql`s.status = ${query.status}::"SecretStatus"`);
  if (!query.status) where.push(Prisma.sql`s.status <> 'decommissioned'::"SecretStatus"`);
  if (query.tag) where.push(Prisma.sql`s.tags @> ARRAY[${query.tag}]::text[]`);
  if (query.due === 'overdue') where.push(Prisma.sql`s.next_due_at < now()`);
  if (query.due === 'soon') {
    where.push(Prisma.sql`s.next_due_at >= now() AND s.next_due_at < now() + make_interval(days => ${DUE_SOON_DAYS})`);
  }
  if (query.due === 'never') where.push(Prisma.sql`s.last_rotated_at IS NULL`);
  if (query.failing) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM secret_postures p WHERE p.secret_id = s.id AND p.failing @> ARRAY[${query.failing}]::text[])`);
  }
  if (query.unread) {
    // Only connected secrets have access logs; last_read_at is kept by lib/access (indexed).
    where.push(Prisma.sql`s.connection_id IS NOT NULL AND (s.last_read_at IS NULL OR s.last_read_at < now() - make_interval(days => ${query.unread}::int))`);
  }
  if (query.expiring) {
    // expires_at is indexed; an expired credential is the most urgent of all, so it stays in.
    where.push(Prisma.sql`s.expires_at < now() + make_interval(days => ${query.expiring}::int)`);
  }
  return where;
}

/** Keyset condition: rows strictly after the cursor in the sort's order (also used by lib/data/sql/rotation-views.ts). */
export function afterCursor(sort: SortSpec, cursor: { value: string | null; id: string }): Prisma.Sql {
  const { column } = sort;
  const value = Prisma.sql`${cursor.value}::${Prisma.raw(sort.type)}`;
  if (!sort.nullable) {
    const cmp = Prisma.raw(sort.direction === 'ASC' ? '>' : '<');
    return Prisma.sql`(${column}, s.id) ${cmp} (${value}, ${cursor.id}::uuid)`;
  }
  // Nullable columns sort ascending NULLS LAST: after a null we stay among the nulls.
  if (cursor.value === null) return Prisma.sql`(${column} IS NULL AND s.id > ${cursor.id}::uuid)`;
  return Prisma.sql`((${column}, s.id) > (${value}, ${cursor.id}::uuid) OR ${column} IS NULL)`;
}

export const and = (parts: Prisma.Sql[]) => (parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`);

export type SecretListCounts = { total: number; overdue: number; due_soon: number; never_rotated: number; no_policy: number };

const TRIGRAM_MIN = 3;

/**
 * The rows a page reads from. For a search, the matches are found through the trigram
 * index first (OFFSET 0 keeps the planner from flattening the subquery): otherwise it may
 * walk the sort index from the start, testing every row, which is slow when the matches
 * sit late in the sort order. Shorter terms cannot use the trigram index anyway.
 */
function pageSource(query: TSecretListQuery): Prisma.Sql {
  if (!query.q || query.q.length < TRIGRAM_MIN) return Prisma.sql`secrets`;
  return Prisma.sql`(SELECT * FROM secrets WHERE ${searchCondition(query.q)} OFFSET 0)`;
}

function searchCondition(q: string): Prisma.Sql {
  return Prisma.sql`search_text LIKE ${`%${escapeLike(q.toLowerCase())}%`}`;
}

/**
 * The page query (one row more than the page size, to know if there is a next page) and its
 * counts. The page's rows are chosen before the joins, so a search matching thousands of
 * secrets names its environment and team for the page alone.
 */
export function secretListSql(query: TSecretListQuery) {
  const sort = SORTS[query.sort];
  const filters = filterConditions(query);
  const cursor = decodeCursor(query.after);
  const pageWhere = cursor ? [...filters, afterCursor(sort, cursor)] : filters;
  const order = Prisma.raw(sort.nullable ? `${sort.direction} NULLS LAST, s.id ${sort.direction}` : `${sort.direction}, s.id ${sort.direction}`);
  const page = Prisma.sql`
      SELECT s.id, s.name, e.name AS environment, t.id AS team_id, t.name AS team_name,
             s.classification, s.status, s.provider_kind,
             ${isoUtcSql(Prisma.sql`s.last_rotated_at`)} AS last_rotated_at, ${isoUtcSql(Prisma.sql`s.next_due_at`)} AS next_due_at,
             ${isoUtcSql(Prisma.sql`s.expires_at`)} AS expires_at, s.rotation_interval_days, s.tags, ${cursorValueSql(sort)} AS cursor_value,
             (SELECT count(*) FROM secret_consumers c WHERE c.secret_id = s.id)::int AS consumer_count
      FROM (
        SELECT s.* FROM ${pageSource(query)} s
        WHERE ${and(pageWhere)}
        ORDER BY ${sort.column} ${order}
        LIMIT ${query.size + 1}
      ) s
      JOIN environments e ON e.id = s.environment_id
      JOIN teams t ON t.id = s.owner_team_id
      ORDER BY ${sort.column} ${order}`;
  const counts = Prisma.sql`
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE s.next_due_at < now())::int AS overdue,
             count(*) FILTER (WHERE s.next_due_at >= now()
                              AND s.next_due_at < now() + make_interval(days => ${DUE_SOON_DAYS}))::int AS due_soon,
             count(*) FILTER (WHERE s.last_rotated_at IS NULL)::int AS never_rotated,
             count(*) FILTER (WHERE s.next_due_at IS NULL)::int AS no_policy
      FROM secrets s
      WHERE ${and(filters)}`;
  // Identifies the counts: the filters alone (sort, size and cursor do not change them).
  const countsKey = JSON.stringify([counts.text, counts.values]);
  return { page, counts, countsKey };
}
