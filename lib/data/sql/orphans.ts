// The SQL behind the Orphans report: one keyset page per section (no declared consumers,
// not read for N days, declared consumers that never read, undeclared readers) and the
// secret sections' counts. "Now" is a parameter from the injected clock, never the database's
// now(). Free of 'server-only' like secret-list.ts, so a benchmark can run the same statements.
//
// A secret counts as read at the newer of two dates: the newest read in the provider's
// access logs (secrets.last_read_at, kept by lib/access/ingest.ts) and the provider's own
// last-accessed date from the discovery snapshot (AWS LastAccessedDate). Which reader it
// was only the logs say, so the two consumer sections need access logs for the secret.
import { Prisma } from '@/generated/prisma/client';
import { READ_EVENTS } from '@/lib/access/types';
import type { OrphanSection } from '@/lib/validation/orphans';
import type { SecretRowHead } from './secret-list';

const DAY_MS = 86_400_000;

/** Where a secret's access logs stand (the Access tab's coverage states, minus its error detail). */
export type LogsState = 'ok' | 'no_connection' | 'not_ingested' | 'data_access_off';

/** What every section's row carries about its secret: the identity columns every secret list starts with, and more. */
export type OrphanRowBase = SecretRowHead & {
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

export type OrphanCountsRow = { unconsumed: number; unread: number };

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
 * Each identity that read secret s successfully since `since`, with its reads: the Access
 * tab's per-secret summary (one aggregate over the secret's window, through the
 * (secret_id, occurred_at) index). Each carries the principal lower-cased and its short
 * name, computed once per reader for the match with systems below.
 */
function readersOf(since: Date): Prisma.Sql {
  return Prisma.sql`(
    SELECT g.*, ${shortName(Prisma.sql`g.lp`)} AS short
    FROM (
      SELECT ae.principal, lower(btrim(ae.principal)) AS lp, max(ae.principal_type) AS principal_type,
             count(*)::int AS reads, min(ae.occurred_at) AS first_at, max(ae.occurred_at) AS last_at
      FROM access_events ae
      WHERE ae.secret_id = s.id AND ae.occurred_at >= ${since}
        AND ae.event_name = ANY(${READS}) AND ae.error_code IS NULL
      GROUP BY ae.principal
    ) g)`;
}

/**
 * Joins consumer row `c` to its system as y, with the system's name and listed identities
 * lower-cased once per joined row for the match below (through the systems' primary key;
 * OFFSET 0 keeps the planner from folding the lateral into the match and lower-casing
 * them again for every event or reader it is compared with).
 */
const systemOf = (c: string) => {
  const consumer = Prisma.raw(c);
  return Prisma.sql`JOIN systems y0 ON y0.id = ${consumer}.system_id
    CROSS JOIN LATERAL (SELECT y0.id, y0.name, y0.principals, y0.status, lower(btrim(y0.name)) AS lname,
      ARRAY(SELECT lower(btrim(x)) FROM unnest(y0.principals) x) AS lprincipals OFFSET 0) y`;
};

/** A principal's short name: role or user name, a service account's local part (of `lp`, lower-cased). */
const shortName = (lp: Prisma.Sql) =>
  Prisma.sql`CASE WHEN strpos(${lp}, '@') > 0 THEN split_part(${lp}, '@', 1) ELSE coalesce((regexp_match(${lp}, '([^/]+)/*$'))[1], ${lp}) END`;

/**
 * Whether a principal (lower-cased `lp`, its short name `short`) is one of system y's
 * identities (y from systemOf): lib/data/access-history.ts systemMatches in SQL. Its
 * listed identities when it has any (case-insensitive), else its name against the short name
 * (which only a principal containing the name can have: the cheap test goes first).
 */
const isSystem = (lp: Prisma.Sql, short: Prisma.Sql) =>
  Prisma.sql`CASE WHEN cardinality(y.lprincipals) > 0 THEN ${lp} = ANY(y.lprincipals) ELSE strpos(${lp}, y.lname) > 0 AND ${short} = y.lname END`;

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

/**
 * A section's rows: from where, which, their columns and sort key. A section of pairs (a
 * secret and one of its consumers or readers) names the secrets first, in their order (`keys` then
 * orders the secrets), and `pairs` joins each to its partners; pages then walk the secrets
 * in order and stop early, instead of pairing every secret before sorting.
 */
type Selection = {
  from: Prisma.Sql;
  columns: Prisma.Sql;
  where: Prisma.Sql[];
  keys: Key[];
  pairs?: { join: Prisma.Sql; columns: Prisma.Sql; where: Prisma.Sql[]; key: Key };
};

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
      // none of whose identities read the secret successfully in the window, probed per pair
      // through the (secret_id, occurred_at) index.
      return {
        from: secrets,
        columns: BASE_COLUMNS,
        where: [LIVE, Prisma.sql`(${LOGS_STATE}) = 'ok'`],
        keys: [CLASSIFICATION, OLDEST_READ, SECRET_ID],
        pairs: {
          join: Prisma.sql`JOIN secret_consumers sc ON sc.secret_id = s.id ${systemOf('sc')}`,
          columns: Prisma.sql`y.id AS system_id, y.name AS system_name, y.principals AS system_principals, y.status::text AS system_status`,
          where: [
            Prisma.sql`NOT EXISTS (SELECT 1 FROM access_events ae WHERE ae.secret_id = s.id AND ae.occurred_at >= ${since}
                         AND ae.event_name = ANY(${READS}) AND ae.error_code IS NULL
                         AND ${isSystem(Prisma.sql`lower(btrim(ae.principal))`, shortName(Prisma.sql`lower(btrim(ae.principal))`))})`,
          ],
          key: { sql: Prisma.sql`y.id`, type: 'uuid' },
        },
      };
    case 'undeclared':
      // The secrets with a logged read in the window (secrets.last_read_at is the newest one,
      // kept by lib/access/ingest.ts), in order, each with its readers less those a declared
      // system of the secret owns.
      return {
        from: secrets,
        columns: BASE_COLUMNS,
        where: [LIVE, Prisma.sql`s.last_read_at >= ${since}`],
        keys: [CLASSIFICATION, OLDEST_READ, SECRET_ID],
        pairs: {
          join: Prisma.sql`JOIN LATERAL ${readersOf(since)} r ON TRUE`,
          columns: Prisma.sql`r.principal, r.principal_type, r.reads, r.first_at, r.last_at`,
          where: [
            Prisma.sql`NOT EXISTS (SELECT 1 FROM secret_consumers c ${systemOf('c')}
                         WHERE c.secret_id = s.id AND ${isSystem(Prisma.sql`r.lp`, Prisma.sql`r.short`)})`,
          ],
          key: { sql: Prisma.sql`r.principal`, type: 'text' },
        },
      };
  }
}

/** Text a cursor part must look like before it is cast back to its key's type in SQL. */
const PART_SHAPES: Record<string, RegExp> = {
  '"Classification"': /^(critical|important|sensitive)$/,
  boolean: /^(true|false)$/,
  timestamptz: /^(-infinity|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  text: /^[\s\S]{0,2000}$/,
};

/** The cursor: the last row's sort key, each part as text (keyText) that casts back exactly. */
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

const tuple = (keys: Key[]) =>
  Prisma.sql`(${Prisma.join(
    keys.map((key) => key.sql),
    ', ',
  )})`;

/**
 * A key's value as the cursor carries it: times as ISO 8601 in UTC to the microsecond
 * (whatever the session's DateStyle and time zone), everything else as PostgreSQL's text.
 */
function keyText(value: Prisma.Sql, type: string): Prisma.Sql {
  if (type !== 'timestamptz') return Prisma.sql`${value}::text`;
  return Prisma.sql`CASE WHEN isfinite(${value}) THEN to_char(${value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') ELSE ${value}::text END`;
}

/** The cursor's parts as the keys' types. */
const valuesOf = (keys: Key[], cursor: string[]) => Prisma.sql`(${Prisma.join(keys.map((key, i) => Prisma.sql`${cursor[i]}::${Prisma.raw(key.type)}`))})`;

/** A section of pairs: its secrets in their order (fenced by OFFSET 0 so the order is kept), each joined to its partners. */
function pairsSource(sel: Selection, pairs: NonNullable<Selection['pairs']>, secretsAfter: Prisma.Sql[]): Omit<Selection, 'pairs'> {
  const names = sel.keys.map((_, i) => Prisma.raw(`p${i}`));
  const ordered = Prisma.sql`(
      SELECT ${sel.columns}, ${Prisma.join(
        sel.keys.map((key, i) => Prisma.sql`${key.sql} AS ${names[i]}`),
        ', ',
      )}
      FROM ${sel.from}
      WHERE ${Prisma.join([...sel.where, ...secretsAfter], ' AND ')}
      ORDER BY ${Prisma.join(names, ', ')}
      OFFSET 0) s`;
  return {
    from: Prisma.sql`${ordered} ${pairs.join}`,
    columns: Prisma.sql`s.*, ${pairs.columns}`,
    where: pairs.where,
    keys: [...sel.keys.map((key, i) => ({ sql: Prisma.sql`s.${names[i]}`, type: key.type })), pairs.key],
  };
}

/** One page of a section: size + 1 rows (the extra one says there is a next page). */
export function orphanPageSql(section: OrphanSection, options: { now: Date; days: number; size: number; after?: string }): Prisma.Sql {
  const picked = selection(section, options.now, options.days);
  const cursor = decodeOrphanCursor(options.after, picked.pairs ? [...picked.keys, picked.pairs.key] : picked.keys);
  // Pairs: the secrets at or after the cursor's secret, then the pairs after the cursor's pair.
  const sel = picked.pairs ? pairsSource(picked, picked.pairs, cursor ? [Prisma.sql`${tuple(picked.keys)} >= ${valuesOf(picked.keys, cursor)}`] : []) : picked;
  const where = cursor ? [...sel.where, Prisma.sql`${tuple(sel.keys)} > ${valuesOf(sel.keys, cursor)}`] : sel.where;
  const names = sel.keys.map((_, i) => Prisma.raw(`o.k${i}`));
  return Prisma.sql`
    SELECT o.*, ARRAY[${Prisma.join(
      sel.keys.map((key, i) => keyText(names[i], key.type)),
      ', ',
    )}] AS k, e.name AS environment, t.id AS team_id, t.name AS team_name
    FROM (
      SELECT ${sel.columns}, ${Prisma.join(
        sel.keys.map((key, i) => Prisma.sql`${key.sql} AS ${Prisma.raw(`k${i}`)}`),
        ', ',
      )}
      FROM ${sel.from}
      WHERE ${Prisma.join(where.length ? where : [Prisma.sql`TRUE`], ' AND ')}
      ORDER BY ${Prisma.join(
        sel.keys.map((key) => key.sql),
        ', ',
      )}
      LIMIT ${options.size + 1}
    ) o
    JOIN environments e ON e.id = o.environment_id
    JOIN teams t ON t.id = o.owner_team_id
    ORDER BY ${Prisma.join(names, ', ')}`;
}

/**
 * How many secrets the two secret sections hold (the tabs). The pair sections are not
 * counted: a count has to match every consumer or reader against a window of access events
 * (seconds at a million events), while a page stops after its rows.
 */
export function orphanCountsSql(options: { now: Date; days: number }): Prisma.Sql {
  const count = (section: OrphanSection) => {
    const sel = selection(section, options.now, options.days);
    return Prisma.sql`(SELECT count(*)::int FROM ${sel.from} WHERE ${Prisma.join(sel.where, ' AND ')})`;
  };
  return Prisma.sql`SELECT ${count('unconsumed')} AS unconsumed, ${count('unread')} AS unread`;
}
