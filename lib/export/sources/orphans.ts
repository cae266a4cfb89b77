// The Orphans report as an export source (CSV only): one section of the report with its
// window, every row of it, riskiest first, read in keyset batches with the report's own
// statement (lib/data/sql/orphans.ts), as CSV records with the evidence of each row.
// Everyone who may export the inventory may export this (it lists what the inventory
// lists); audited as `orphans.export` with the section and window as it starts.
import 'server-only';
import { db } from '@/lib/db';
import { encodeOrphanCursor, orphanPageSql, type OrphanRowBase, type SilentConsumerRow, type UndeclaredReaderRow } from '@/lib/data/sql/orphans';
import { neutraliseFormula } from '@/lib/export/csv/write';
import { keysetBatches } from '@/lib/export/keyset-batches';
import { defineExportSource } from '@/lib/export/source';
import type { OrphanSection } from '@/lib/validation/orphans';

export const ORPHAN_EXPORT_BATCH = 1000;

/** What an export of the report reads: a section, its window, and "now" from the app's clock. */
export type OrphanExportQuery = { tab: OrphanSection; days: number; now: Date };

export type OrphanExportRow = OrphanRowBase & Partial<SilentConsumerRow> & Partial<UndeclaredReaderRow>;

const COLUMNS = [
  'name',
  'environment',
  'owner',
  'classification',
  'status',
  'last_read',
  'last_read_source',
  'access_data',
  'consumers',
  'consumer_system',
  'reader',
  'reader_type',
  'reads',
  'reader_first_read',
  'reader_last_read',
] as const;

async function* readBatches(query: OrphanExportQuery): AsyncGenerator<OrphanExportRow[]> {
  const read = async (after: string | null) => {
    const rows = await db.$queryRaw<OrphanExportRow[]>(
      orphanPageSql(query.tab, { now: query.now, days: query.days, size: ORPHAN_EXPORT_BATCH, after: after ?? undefined }),
    );
    // The statement reads one row more (the pages' "is there a next page"): the next batch starts there.
    return rows.slice(0, ORPHAN_EXPORT_BATCH);
  };
  yield* keysetBatches(
    ORPHAN_EXPORT_BATCH,
    read,
    (last) => encodeOrphanCursor(last.k),
    (row) => row,
  );
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? '';

/** One row as CSV cells in column order, each guarded against formulas. */
export function orphanCsvRecord(row: OrphanExportRow): string[] {
  const hasData = row.logs_state === 'ok' || row.provider_date_known || row.logs_read_at !== null;
  const source = !row.read_at
    ? ''
    : row.provider_read_at?.getTime() === row.read_at.getTime() && row.logs_read_at?.getTime() !== row.read_at.getTime()
      ? 'provider'
      : 'access logs';
  const cells: Record<(typeof COLUMNS)[number], string> = {
    name: row.name,
    environment: row.environment,
    owner: row.team_name,
    classification: row.classification,
    status: row.status,
    last_read: hasData ? iso(row.read_at) || 'never' : '',
    last_read_source: source,
    access_data: hasData ? 'yes' : `no (${row.logs_state})`,
    consumers: String(row.consumer_count),
    consumer_system: row.system_name ?? '',
    reader: row.principal ?? '',
    reader_type: row.principal_type ?? '',
    reads: row.reads?.toString() ?? '',
    reader_first_read: iso(row.first_at),
    reader_last_read: iso(row.last_at),
  };
  return COLUMNS.map((k) => neutraliseFormula(cells[k]));
}

export const orphansSource = defineExportSource<OrphanExportQuery, OrphanExportRow>({
  name: 'orphans',
  permission: 'inventory.export',
  columns: COLUMNS,
  formats: ['csv'],
  audit: { action: 'orphans.export', targetType: 'secret', when: 'start' },
  fileStem: (query) => `orphans-${query.tab}${query.tab === 'unconsumed' ? '' : `-${query.days}d`}`,
  describe: (query) => ({ tab: query.tab, days: String(query.days) }),
  rows: (query) => readBatches(query),
  csvRecord: orphanCsvRecord,
});
