// Audit events as an export source: the audit trail's URL filters (lib/validation/audit-list)
// applied with the audit page's own SQL conditions, read oldest first in keyset batches
// on the primary key (constant memory at any size; no connection held between batches).
// Every audit column is exported, with the event's hash-chain fields (seq, prevHash, hash)
// so anyone can recompute each event's hash from the file (lib/export/bundle/chain.ts).
// Audit events never hold a secret value.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { AuditOutcome, Role } from '@/generated/prisma/enums';
import { exportRead } from '@/lib/db';
import { guardedCell } from '@/lib/export/copy-csv';
import { defineExportSource, describeFilters } from '@/lib/export/source';
import { currentChainHead } from '@/lib/audit/chain-head';
import type { TAuditListQuery } from '@/lib/validation/audit-list';
import { actorFilter, filterConditions } from '@/lib/data/sql/audit-events';

export const AUDIT_EXPORT_BATCH = 2000;

export const AUDIT_EXPORT_COLUMNS = [
  'id',
  'occurredAt',
  'actorId',
  'actorEmail',
  'actorRole',
  'action',
  'outcome',
  'targetType',
  'targetId',
  'environment',
  'ip',
  'userAgent',
  'requestId',
  'changes',
  'detail',
  'seq',
  'prevHash',
  'hash',
] as const;

export type AuditExportRow = {
  id: string;
  /** ISO-8601 UTC with milliseconds, as PostgreSQL formats it (no Date per row). */
  occurredAt: string;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: Role | null;
  action: string;
  outcome: AuditOutcome;
  targetType: string | null;
  targetId: string | null;
  environment: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  changes: unknown;
  detail: unknown;
  /** The event's place in the hash chain (null for legacy events written before it). */
  seq: string | null;
  prevHash: string | null;
  hash: string | null;
};

/** The filters that select rows (the page cursor does not: an export is the whole match). */
const FILTER_KEYS = ['actor', 'action', 'targetType', 'targetId', 'environment', 'outcome', 'from', 'to'] as const;

function conditions(query: TAuditListQuery): Prisma.Sql[] {
  const actor = query.actor ? actorFilter(query.actor) : null;
  const where = filterConditions(query, actor);
  // Part of an email: every account it matches (the page merges per-account pages instead;
  // an export reads everything, so one IN over the accounts is the simple equivalent).
  if (actor && 'usersLike' in actor) where.push(Prisma.sql`e.actor_id IN (SELECT u.id FROM users u WHERE u.email LIKE ${actor.usersLike})`);
  return where;
}

async function* readBatches(query: TAuditListQuery, upTo: string | null): AsyncGenerator<AuditExportRow[]> {
  const filters = conditions(query);
  if (upTo === null) return; // no events at all when the export started
  const batch = (after: string | null) => {
    const where = [...filters, Prisma.sql`e.id <= ${upTo}::bigint`];
    if (after) where.push(Prisma.sql`e.id > ${after}::bigint`);
    // occurred_at as ISO text: parsing timestamps into Dates (the driver's parser, and
    // Next's wrapped Date in the server) cost more than the rest of the row. Each column is
    // named as its AuditExportRow field, so a row goes out as it is read.
    const sql = Prisma.sql`
      SELECT e.id::text AS id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt",
             e.actor_id::text AS "actorId", e.actor_email AS "actorEmail", e.actor_role AS "actorRole", e.action,
             e.outcome, e.target_type AS "targetType", e.target_id AS "targetId", e.environment, e.ip,
             e.user_agent AS "userAgent", e.request_id AS "requestId", e.changes, e.detail,
             e.seq::text AS seq, encode(e.prev_hash, 'hex') AS "prevHash", encode(e.hash, 'hex') AS hash
      FROM audit_events e
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY e.id
      LIMIT ${AUDIT_EXPORT_BATCH}`;
    // Straight through the pg pool: a bulk read does not need Prisma's per-row decoding,
    // which costs several times the query itself at export sizes. The connection goes
    // back to the pool between batches, so a slow download holds none.
    const read = exportRead<AuditExportRow>(sql.text, sql.values as unknown[]);
    read.catch(() => {}); // a read-ahead the download no longer wants may fail unobserved
    return read;
  };
  let next = batch(null);
  for (;;) {
    const { rows } = await next;
    const last = rows.at(-1);
    const more = rows.length === AUDIT_EXPORT_BATCH && last;
    // Read ahead: the database works on the next batch while this one is encoded.
    if (more) next = batch(last.id);
    yield rows;
    if (!more) return;
  }
}

const e = (column: string) => guardedCell(`e.${column}`);

/** The CSV cells in SQL, for COPY (lib/export/copy-csv.ts): the JSON Lines values as text. */
function csvSelect(query: TAuditListQuery, upTo: string): Prisma.Sql {
  const where = [...conditions(query), Prisma.sql`e.id <= ${upTo}::bigint`];
  return Prisma.sql`
    SELECT e.id::text, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), e.actor_id::text,
           ${Prisma.raw(e('actor_email'))}, e.actor_role::text, ${Prisma.raw(e('action'))}, e.outcome::text,
           ${Prisma.raw(e('target_type'))}, ${Prisma.raw(e('target_id'))}, ${Prisma.raw(e('environment'))}, ${Prisma.raw(e('ip'))},
           ${Prisma.raw(e('user_agent'))}, ${Prisma.raw(e('request_id'))}, ${Prisma.raw(guardedCell('e.changes::text'))},
           ${Prisma.raw(guardedCell('e.detail::text'))}, e.seq::text, encode(e.prev_hash, 'hex'), encode(e.hash, 'hex')
    FROM audit_events e
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY e.id`;
}

export const auditEventsSource = defineExportSource<TAuditListQuery, AuditExportRow>({
  name: 'audit-events',
  permission: 'audit.export',
  columns: AUDIT_EXPORT_COLUMNS,
  describe: describeFilters(FILTER_KEYS),
  // The chain head: every event the app writes is chained, so it is the newest event.
  pin: async () => (await currentChainHead())?.eventId ?? null,
  rows: readBatches,
  csvSelect,
  json(row) {
    return row;
  },
});
