// Provider access history (access_events, ingested from CloudTrail and Cloud Audit Logs)
// as an export source: who called which secret API at the provider, when, from where,
// with what result, and the inventory secret it concerns. Read in the order things
// happened, (occurred_at, seq), in keyset batches straight through the pg pool (constant
// memory, no connection held between batches), pinned to the newest seq at export start.
// The provider logs hold call metadata, never a value, and only stored columns are read.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { exportRead, pgPool } from '@/lib/db';
import { guardedCell } from '@/lib/export/copy-csv';
import { keysetBatches } from '@/lib/export/keyset-batches';
import { defineExportSource, describeFilters } from '@/lib/export/source';
import { ACCESS_EXPORT_FILTERS, type TAccessExportQuery } from '@/lib/validation/access-export';
import { rangeEnd, rangeStart } from '@/lib/validation/audit-list';
import { uuidOrNil } from '@/lib/validation/ids';

export const ACCESS_EXPORT_BATCH = 2000;

export const ACCESS_EXPORT_COLUMNS = [
  'id',
  'providerEventId',
  'occurredAt',
  'provider',
  'connectionId',
  'connectionName',
  'eventName',
  'outcome',
  'errorCode',
  'principal',
  'principalType',
  'sourceIp',
  'userAgent',
  'secretRef',
  'secretId',
  'secretName',
  'environment',
  'summary',
  'ingestedAt',
] as const;

export type AccessExportRow = {
  id: string;
  /** CloudTrail eventID / Cloud Logging insertId. */
  providerEventId: string;
  occurredAt: Date;
  provider: 'aws' | 'gcp' | 'local';
  connectionId: string;
  connectionName: string;
  eventName: string;
  /** 'failed' when the provider logged an error code (denied, not found ...). */
  outcome: 'success' | 'failed';
  errorCode: string | null;
  principal: string;
  principalType: string;
  sourceIp: string | null;
  userAgent: string | null;
  /** The secret identifier exactly as the caller passed it to the provider. */
  secretRef: string;
  /** The inventory secret it was linked to (null: none matches). */
  secretId: string | null;
  secretName: string | null;
  environment: string | null;
  /** Region, request id, version id/stage ... (identifiers only). */
  summary: unknown;
  /** When this dashboard stored the event. */
  ingestedAt: Date;
};

type Row = {
  seq: string;
  id: string;
  provider_event_id: string;
  occurred_at: Date;
  provider: AccessExportRow['provider'];
  connection_id: string;
  connection_name: string;
  event_name: string;
  error_code: string | null;
  principal: string;
  principal_type: string;
  source_ip: string | null;
  user_agent: string | null;
  secret_ref: string;
  secret_id: string | null;
  secret_name: string | null;
  environment: string | null;
  summary: unknown;
  created_at: Date;
};

function conditions(query: TAccessExportQuery): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (query.from) where.push(Prisma.sql`e.occurred_at >= ${rangeStart(query.from)}`);
  if (query.to) where.push(Prisma.sql`e.occurred_at < ${rangeEnd(query.to)}`);
  if (query.secret) where.push(Prisma.sql`e.secret_id = ${uuidOrNil(query.secret)}::uuid`);
  if (query.principal) where.push(Prisma.sql`e.principal = ${query.principal}`);
  if (query.action) where.push(Prisma.sql`e.event_name = ${query.action}`);
  // The environment of the linked inventory secret; unlinked events have none. With
  // current statistics the planner walks (occurred_at, seq) and tests this as a hashed
  // semi-join, one pass over the range for the whole export.
  if (query.environment) {
    where.push(Prisma.sql`e.secret_id IN (
      SELECT fs.id FROM secrets fs JOIN environments fv ON fv.id = fs.environment_id WHERE fv.name = ${query.environment})`);
  }
  return where;
}

async function pin(): Promise<string | null> {
  const { rows } = await pgPool().query<{ seq: string | null }>('SELECT max(seq)::text AS seq FROM access_events');
  return rows[0]?.seq ?? null;
}

async function* readBatches(query: TAccessExportQuery, upTo: string | null): AsyncGenerator<AccessExportRow[]> {
  if (upTo === null) return; // no access events at all when the export started
  const filters = [...conditions(query), Prisma.sql`e.seq <= ${upTo}::bigint`];
  const batch = async (after: { occurredAt: Date; seq: string } | null) => {
    const where: Prisma.Sql[] = after ? [...filters, Prisma.sql`(e.occurred_at, e.seq) > (${after.occurredAt}, ${after.seq}::bigint)`] : filters;
    const sql = Prisma.sql`
      SELECT e.seq::text AS seq, e.id::text AS id, e.provider_event_id, e.occurred_at, c.kind AS provider,
             e.connection_id::text AS connection_id, c.name AS connection_name, e.event_name, e.error_code,
             e.principal, e.principal_type, e.source_ip, e.user_agent, e.secret_ref, e.secret_id::text AS secret_id,
             s.name AS secret_name, v.name AS environment, e.summary, e.created_at
      FROM access_events e
      JOIN provider_connections c ON c.id = e.connection_id
      LEFT JOIN secrets s ON s.id = e.secret_id
      LEFT JOIN environments v ON v.id = s.environment_id
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY e.occurred_at, e.seq
      LIMIT ${ACCESS_EXPORT_BATCH}`;
    // As for audit events: the pg pool, not Prisma's per-row decoding, at export sizes.
    const { rows } = await exportRead<Row>(sql.text, sql.values as unknown[]);
    return rows;
  };
  yield* keysetBatches(ACCESS_EXPORT_BATCH, batch, (last) => ({ occurredAt: last.occurred_at, seq: last.seq }), toExportRow);
}

function toExportRow(r: Row): AccessExportRow {
  return {
    id: r.id,
    providerEventId: r.provider_event_id,
    occurredAt: r.occurred_at,
    provider: r.provider,
    connectionId: r.connection_id,
    connectionName: r.connection_name,
    eventName: r.event_name,
    outcome: r.error_code === null ? 'success' : 'failed',
    errorCode: r.error_code,
    principal: r.principal,
    principalType: r.principal_type,
    sourceIp: r.source_ip,
    userAgent: r.user_agent,
    secretRef: r.secret_ref,
    secretId: r.secret_id,
    secretName: r.secret_name,
    environment: r.environment,
    summary: r.summary,
    ingestedAt: r.created_at,
  };
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const guarded = (expression: string) => Prisma.raw(guardedCell(expression));

/** The CSV cells in SQL, for COPY (lib/export/copy-csv.ts): the JSON Lines values as text. */
function csvSelect(query: TAccessExportQuery, upTo: string): Prisma.Sql {
  const where = [...conditions(query), Prisma.sql`e.seq <= ${upTo}::bigint`];
  return Prisma.sql`
    SELECT e.id::text, ${guarded('e.provider_event_id')}, ${Prisma.raw(iso('e.occurred_at'))}, c.kind::text, e.connection_id::text,
           ${guarded('c.name')}, ${guarded('e.event_name')}, CASE WHEN e.error_code IS NULL THEN 'success' ELSE 'failed' END,
           ${guarded('e.error_code')}, ${guarded('e.principal')}, ${guarded('e.principal_type')}, ${guarded('e.source_ip')},
           ${guarded('e.user_agent')}, ${guarded('e.secret_ref')}, e.secret_id::text, ${guarded('s.name')}, ${guarded('v.name')},
           ${guarded('e.summary::text')}, ${Prisma.raw(iso('e.created_at'))}
    FROM access_events e
    JOIN provider_connections c ON c.id = e.connection_id
    LEFT JOIN secrets s ON s.id = e.secret_id
    LEFT JOIN environments v ON v.id = s.environment_id
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY e.occurred_at, e.seq`;
}

export const accessEventsSource = defineExportSource<TAccessExportQuery, AccessExportRow>({
  name: 'access-events',
  permission: 'audit.export',
  columns: ACCESS_EXPORT_COLUMNS,
  describe: describeFilters(ACCESS_EXPORT_FILTERS),
  pin,
  rows: readBatches,
  csvSelect,
  json(row) {
    return { ...row, occurredAt: row.occurredAt.toISOString(), ingestedAt: row.ingestedAt.toISOString() };
  },
});
