// The SQL behind the Orphans report: one keyset page per section (no declared consumers,
// not read for N days, declared consumers that never read, undeclared readers) and the
// sections' counts. "Now" is a parameter from the injected clock, never the database's
// now(). Free of 'server-only' like secret-list.ts, so a benchmark can run the same statements.
//
// A secret counts as read at the newer of two dates: the newest read in the provider's
// access logs (secrets.last_read_at, kept by lib/access/ingest.ts) and the provider's own
// last-accessed date from the discovery snapshot (AWS LastAccessedDate). Which reader it
// was only the logs say, so the two consumer sections need access logs for the secret.
import { Prisma } from '@/generated/prisma/client';
import type { Classification, SecretStatus } from '@/generated/prisma/enums';
import { READ_EVENTS } from '@/lib/access/types';
import type { OrphanSection } from '@/lib/validation/orphans';

const DAY_MS = 86_400_000;

/** Where a secret's access logs stand (the Access tab's coverage states, minus its error detail). */
export type LogsState = 'ok' | 'no_connection' | 'not_ingested' | 'data_access_off';

/** What every section's row carries about its secret. */
export type OrphanRowBase = {
  id: string;
  name: string;
  environment: string;
  team_id: string;
  team_name: string;
  classification: Classification;
  status: SecretStatus;
  /** The newer of the logs' newest read and the provider's last-accessed date. */
  read_at: Date | null;
  logs_read_at: Date | null;
  provider_read_at: Date | null;
  logs_state: LogsState;
  /** AWS reports a last-accessed date (absent = never read) for secrets discovery saw. */
  provider_date_known: boolean;
  consumer_count: number;
  /** The row's sort key, each part as text (the next page's cursor). */
  k: string[];
};

export type SilentConsumerRow = OrphanRowBase & { system_id: string; system_name: string; system_principals: string[]; system_status: string };

export type UndeclaredReaderRow = OrphanRowBase & { principal: string; principal_type: string; reads: number; first_at: Date; last_at: Date };

export type OrphanCountsRow = { unconsumed: number; unread: number; silent: number; undeclared: number };

const READS = Prisma.sql`${[...READ_EVENTS]}::text[]`;

/** Not decommissioned: what the inventory lists by default, so a deprecated secret nobody uses still shows. */
const LIVE = Prisma.sql`s.status <> 'decommissioned'::"SecretStatus"`;

/** Joins a secret (alias s) to its access sources: connection, ingestion cursor, discovery snapshot row. */
const ACCESS_JOINS = Prisma.sql`
  LEFT JOIN provider_connections pc ON pc.id = s.connection_id
  LEFT JOIN access_ingestion_cursors k ON k.connection_id = s.connection_id
  LEFT JOIN discovered_secrets d ON d.connection_id = s.connection_id AND d.provider_key = s.provider_key AND s.provider_key <> ''`;

/** lib/data/access-history.ts coverageOf in SQL: whether the provider's access logs can tell who read. */
const LOGS_STATE = Prisma.sql`CASE
    WHEN pc.kind IS NULL OR pc.kind NOT IN ('aws', 'gcp') THEN 'no_connection'
    WHEN k.connection_id IS NULL OR k.completed_runs = 0 THEN 'not_ingested'
    WHEN pc.kind = 'gcp' AND NOT k.data_access_logs_seen THEN 'data_access_off'
    ELSE 'ok' END`;

const PROVIDER_DATE_KNOWN = Prisma.sql`(d.id IS NOT NULL AND pc.kind = 'aws')`;
const READ_AT = Prisma.sql`greatest(s.last_read_at, d.last_accessed_at)`;
/** Something says whether the secret was read: logs, the provider's date, or a read already recorded. */
const HAS_ACCESS_DATA = Prisma.sql`((${LOGS_STATE}) = 'ok' OR ${PROVIDER_DATE_KNOWN} OR s.last_read_at IS NOT NULL)`;

const BASE_COLUMNS = Prisma.sql`
  s.id, s.name, s.environment_id, s.owner_team_id, s.classification, s.status,
  ${READ_AT} AS read_at, s.last_read_at AS logs_read_at, d.last_accessed_at AS provider_read_at,
  ${LOGS_STATE} AS logs_state, ${PROVIDER_DATE_KNOWN} AS provider_date_known,
  (SELECT count(*) FROM secret_consumers c WHERE c.secret_id = s.id)::int AS consumer_count`;

/**
 * Whether a logged principal (SQL text `principal`) is one of system y's identities:
 * lib/data/access-history.ts systemMatches in SQL. Its listed principals when it has any
 * (case-insensitive), else its name against the principal's short name.
 */
export function systemMatchesSql(principal: Prisma.Sql): Prisma.Sql {
  const p = Prisma.sql`lower(btrim(${principal}))`;
  const short = Prisma.sql`CASE WHEN strpos(${p}, '@') > 0 THEN split_part(${p}, '@', 1)
    ELSE coalesce((regexp_match(${p}, '([^/]+)/*$'))[1], ${p}) END`;
  return Prisma.sql`CASE WHEN cardinality(y.principals) > 0
    THEN ${p} = ANY (SELECT lower(btrim(x)) FROM unnest(y.principals) x)
    ELSE ${short} = lower(btrim(y.name)) END`;
}

/** A sort key part: its SQL and the type its cursor text is cast back to. */
type Key = { sql: Prisma.Sql; type: string };

/**
 * Riskiest first: classification (the enum is declared critical, important, sensitive),
 * then the oldest read (never read first: '-infinity'), with evidence before "no access data".
 */
const CLASSIFICATION: Key = { sql: Prisma.sql`s.classification`, type: '"Classification"' };
const NO_DATA_LAST: Key = { sql: Prisma.sql`NOT ${HAS_ACCESS_DATA}`, type: 'boolean' };
const OLDEST_READ: Key = { sql: Prisma.sql`coalesce(${READ_AT}, '-infinity'::timestamptz)`, type: 'timestamptz' };
const SECRET_ID: Key = { sql: Prisma.sql`s.id`, type: 'uuid' };

type Selection = { from: Prisma.Sql; columns: Prisma.Sql; where: Prisma.Sql[]; keys: Key[] };

function selection(section: OrphanSection, now: Date, days: number): Selection {
  const since = new Date(now.getTime() - days * DAY_MS);
  const secrets = Prisma.sql`secrets s ${ACCESS_JOINS}`;
  switch (section) {
    case 'unconsumed':
      return {
        from: secrets,
        columns: BASE_COLUMNS,
        where: [LIVE, Prisma.sql`NOT EXISTS (SELECT 1 FROM secret_consumers c WHERE c.secret_id = s.id)`],
        keys: [CLASSIFICATION, NO_DATA_LAST, OLDEST_READ, SECRET_ID],
      };
    case 'unread':
      return {
        from: secrets,
        columns: BASE_COLUMNS,
        where: [LIVE, Prisma.sql`(${READ_AT} IS NULL OR ${READ_AT} < ${since})`],
        keys: [CLASSIFICATION, NO_DATA_LAST, OLDEST_READ, SECRET_ID],
      };
    case 'silent':
      // Only the logs name readers: secrets whose logs are read, each declared system of theirs
      // with no successful read by one of its identities in the window.
      return {
        from: Prisma.sql`${secrets} JOIN secret_consumers sc ON sc.secret_id = s.id JOIN systems y ON y.id = sc.system_id`,
        columns: Prisma.sql`${BASE_COLUMNS}, y.id AS system_id, y.name AS system_name, y.principals AS system_principals, y.status::text AS system_status`,
        where: [
          LIVE,
          Prisma.sql`(${LOGS_STATE}) = 'ok'`,
          Prisma.sql`NOT EXISTS (SELECT 1 FROM access_events ae WHERE ae.secret_id = s.id AND ae.occurred_at >= ${since}
                       AND ae.event_name = ANY(${READS}) AND ae.error_code IS NULL AND ${systemMatchesSql(Prisma.sql`ae.principal`)})`,
        ],
        keys: [CLASSIFICATION, OLDEST_READ, SECRET_ID, { sql: Prisma.sql`y.id`, type: 'uuid' }],
      };
    case 'undeclared':
      // One aggregate over the window's reads of every secret (the Access tab's per-secret
      // summary, org-wide), then the principals no declared system of the secret owns.
      // Most reads first within a classification: the busiest unknown reader matters most.
      return {
        from: Prisma.sql`(
            SELECT ae.secret_id, ae.principal, max(ae.principal_type) AS principal_type, count(*)::int AS reads,
                   min(ae.occurred_at) AS first_at, max(ae.occurred_at) AS last_at
            FROM access_events ae
            WHERE ae.occurred_at >= ${since} AND ae.secret_id IS NOT NULL
              AND ae.event_name = ANY(${READS}) AND ae.error_code IS NULL
            GROUP BY ae.secret_id, ae.principal
          ) r JOIN secrets s ON s.id = r.secret_id ${ACCESS_JOINS}`,
        columns: Prisma.sql`${BASE_COLUMNS}, r.principal, r.principal_type, r.reads, r.first_at, r.last_at`,
        where: [
          LIVE,
          Prisma.sql`NOT EXISTS (SELECT 1 FROM secret_consumers c JOIN systems y ON y.id = c.system_id
                       WHERE c.secret_id = s.id AND ${systemMatchesSql(Prisma.sql`r.principal`)})`,
        ],
        keys: [CLASSIFICATION, { sql: Prisma.sql`-r.reads`, type: 'int' }, SECRET_ID, { sql: Prisma.sql`r.principal`, type: 'text' }],
      };
  }
}

/** Text a cursor part must look like before it is cast back to its key's type in SQL. */
const PART_SHAPES: Record<string, RegExp> = {
  '"Classification"': /^(critical|important|sensitive)$/,
  boolean: /^(true|false)$/,
  timestamptz: /^(-infinity|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?)$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  int: /^-?\d{1,10}$/,
  text: /^[\s\S]{0,1000}$/,
};

/** The cursor: the last row's sort key, each part as PostgreSQL's text of it (cast back exactly). */
export function encodeOrphanCursor(key: string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor's parts, or null (first page) when it does not decode or a part does not fit its key. */
export function decodeOrphanCursor(text: string | undefined, keys: readonly { type: string }[]): string[] | null {
  if (!text) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(key) || key.length !== keys.length) return null;
    return key.every((v, i) => typeof v === 'string' && PART_SHAPES[keys[i].type].test(v)) ? (key as string[]) : null;
  } catch {
    return null;
  }
}

/** One page of a section: size + 1 rows (the extra one says there is a next page). */
export function orphanPageSql(section: OrphanSection, options: { now: Date; days: number; size: number; after?: string }): Prisma.Sql {
  const sel = selection(section, options.now, options.days);
  const cursor = decodeOrphanCursor(options.after, sel.keys);
  const keyTuple = Prisma.join(
    sel.keys.map((key) => key.sql),
    ', ',
  );
  const where = cursor
    ? [...sel.where, Prisma.sql`(${keyTuple}) > (${Prisma.join(sel.keys.map((key, i) => Prisma.sql`${cursor[i]}::${Prisma.raw(key.type)}`))})`]
    : sel.where;
  const names = sel.keys.map((_, i) => Prisma.raw(`o.k${i}`));
  return Prisma.sql`
    SELECT o.*, ARRAY[${Prisma.join(
      names.map((n) => Prisma.sql`${n}::text`),
      ', ',
    )}] AS k, e.name AS environment, t.id AS team_id, t.name AS team_name
    FROM (
      SELECT ${sel.columns}, ${Prisma.join(
        sel.keys.map((key, i) => Prisma.sql`${key.sql} AS ${Prisma.raw(`k${i}`)}`),
        ', ',
      )}
      FROM ${sel.from}
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY ${keyTuple}
      LIMIT ${options.size + 1}
    ) o
    JOIN environments e ON e.id = o.environment_id
    JOIN teams t ON t.id = o.owner_team_id
    ORDER BY ${Prisma.join(names, ', ')}`;
}

/** How many rows each section holds (the tabs). */
export function orphanCountsSql(options: { now: Date; days: number }): Prisma.Sql {
  const count = (section: OrphanSection) => {
    const sel = selection(section, options.now, options.days);
    return Prisma.sql`(SELECT count(*)::int FROM ${sel.from} WHERE ${Prisma.join(sel.where, ' AND ')})`;
  };
  return Prisma.sql`SELECT ${count('unconsumed')} AS unconsumed, ${count('unread')} AS unread, ${count('silent')} AS silent, ${count('undeclared')} AS undeclared`;
}
