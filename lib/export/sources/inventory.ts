// The inventory as an export source (CSV only): the secrets matching the inventory list's
// URL filters, read in keyset batches so a 100k-row export never sits in memory at once,
// as CSV records in the import's column layout (an export re-imports as it is). Node
// writes the cells (dates and lists as the importer reads them back); the export is
// audited as `inventory.export` with the filters as it starts.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { Classification, ProviderKind, SecretStatus } from '@/generated/prisma/enums';
import type { Caller } from '@/lib/auth/caller';
import { filterConditions } from '@/lib/data/sql/secret-list';
import { db } from '@/lib/db';
import { EXPORT_HEADER, EXPORT_KEYS, LIST_SEPARATOR, type InventoryColumnKey } from '@/lib/export/csv/inventory-columns';
import { neutraliseFormula } from '@/lib/export/csv/write';
import { exportedRows } from '@/lib/export/run';
import { keysetBatches } from '@/lib/export/keyset-batches';
import { defineExportSource, describeFilters } from '@/lib/export/source';
import type { TSecretListQuery } from '@/lib/validation/secret-list';

export const EXPORT_BATCH = 1000;

export type InventoryExportRow = {
  id: string;
  name: string;
  environment: string;
  owner: string;
  consumers: string[];
  classification: Classification;
  lastRotatedAt: Date | null;
  rotationIntervalDays: number | null;
  providerKind: ProviderKind;
  providerRef: string;
  description: string;
  status: SecretStatus;
  contactPerson: string | null;
  tags: string[];
  nextDueAt: Date | null;
};

/**
 * Authorizes and audits the export up front (so a denial is an HTTP error, not a broken
 * download), then returns the rows lazily. The row count is only known at the end of
 * the stream, so the audit event records the filters.
 */
export async function exportInventory(caller: Caller, query: TSecretListQuery): Promise<AsyncIterable<InventoryExportRow>> {
  return eachRow(await exportedRows(caller, inventorySource, query));
}

async function* eachRow<R>(batches: AsyncIterable<readonly R[]>): AsyncGenerator<R> {
  for await (const batch of batches) yield* batch;
}

async function* readBatches(query: TSecretListQuery): AsyncGenerator<InventoryExportRow[]> {
  const filters = filterConditions(query);
  const batch = async (after: { name: string; id: string } | null) => {
    const where = after ? [...filters, Prisma.sql`(s.name, s.id) > (${after.name}, ${after.id}::uuid)`] : filters;
    // Keyset on (name, id), served by the secrets(name, id) index; never OFFSET. Each
    // column is named as its InventoryExportRow field, so a row goes out as it is read.
    return db.$queryRaw<InventoryExportRow[]>`
      SELECT s.id::text, s.name, e.name AS environment, t.name AS owner,
             ARRAY(SELECT sy.name FROM secret_consumers c JOIN systems sy ON sy.id = c.system_id
                   WHERE c.secret_id = s.id ORDER BY sy.name) AS consumers,
             s.classification, s.last_rotated_at AS "lastRotatedAt", s.rotation_interval_days AS "rotationIntervalDays",
             s.provider_kind AS "providerKind", s.provider_ref AS "providerRef", s.description, s.status,
             s.contact_person AS "contactPerson", s.tags, s.next_due_at AS "nextDueAt"
      FROM secrets s
      JOIN environments e ON e.id = s.environment_id
      JOIN teams t ON t.id = s.owner_team_id
      WHERE ${where.length ? Prisma.join(where, ' AND ') : Prisma.sql`TRUE`}
      ORDER BY s.name, s.id
      LIMIT ${EXPORT_BATCH}`;
  };
  yield* keysetBatches(
    EXPORT_BATCH,
    batch,
    (last) => ({ name: last.name, id: last.id }),
    (row) => row,
  );
}

/** A calendar day when the time is midnight UTC (as typed in a spreadsheet), else the full instant. */
function csvDate(d: Date | null): string {
  if (!d) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** One row as CSV cells in the export column order, each guarded against formulas. */
export function toCsvRecord(row: InventoryExportRow): string[] {
  const cells: Record<InventoryColumnKey, string> = {
    name: row.name,
    environment: row.environment,
    owner: row.owner,
    consumers: row.consumers.join(`${LIST_SEPARATOR} `),
    classification: row.classification,
    lastRotatedAt: csvDate(row.lastRotatedAt),
    rotationIntervalDays: row.rotationIntervalDays?.toString() ?? '',
    providerKind: row.providerKind,
    providerRef: row.providerRef,
    description: row.description,
    status: row.status,
    contactPerson: row.contactPerson ?? '',
    tags: row.tags.join(`${LIST_SEPARATOR} `),
    nextDueAt: csvDate(row.nextDueAt),
  };
  return EXPORT_KEYS.map((k) => neutraliseFormula(cells[k]));
}

export async function* toCsvRecords(rows: AsyncIterable<InventoryExportRow>): AsyncGenerator<string[]> {
  for await (const row of rows) yield toCsvRecord(row);
}

/** `secret-inventory-production-2026-11-26.csv`: the environment filter, made file-name safe. */
const fileStem = (query: TSecretListQuery) => `secret-inventory${query.env ? `-${query.env.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}` : ''}`;

export const inventorySource = defineExportSource<TSecretListQuery, InventoryExportRow>({
  name: 'secret-inventory',
  permission: 'inventory.export',
  columns: EXPORT_HEADER,
  formats: ['csv'],
  audit: { action: 'inventory.export', targetType: 'secret', when: 'start' },
  fileStem,
  // The filters as flat audit detail (the cursor and page size mean nothing here).
  describe: describeFilters(['q', 'env', 'owner', 'system', 'classification', 'status', 'due', 'tag', 'unread', 'failing']),
  rows: (query) => readBatches(query),
  csvRecord: toCsvRecord,
});
