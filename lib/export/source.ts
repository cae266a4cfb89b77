// What an export reads: one "export source" per kind of record (audit events, provider
// access history, the secret inventory), declared with defineExportSource. The encoders,
// the route handler (lib/export/route.ts), exportRows and the evidence bundle only know
// this interface, so a new export is a module in lib/export/sources/ plus a route that
// names it.
import type { Prisma } from '@/generated/prisma/client';
import type { Permission } from '@/lib/auth/permissions';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * How an export shows in the audit trail. 'end' (the auditor exports): one event when the
 * stream ends, with the filters and the rows actually written. 'start' (the inventory):
 * one event with the filters as the download starts. Denials are audited by authorize
 * under the same action and target type.
 */
export type ExportAudit = { action: string; targetType: string; when: 'start' | 'end' };

/** The auditor exports' audit: `audit.export` with the row count, when the stream ends. */
export const AUDITOR_EXPORT_AUDIT: ExportAudit = { action: 'audit.export', targetType: 'audit_event', when: 'end' };

type ExportSourceBase<Query, Row> = {
  /** File stem and the `source` named in the export's audit event, e.g. 'audit-events'. */
  readonly name: string;
  /** The permission an export of this source needs. */
  readonly permission: Permission;
  /** Column names in order: the CSV header and the JSON Lines keys. */
  readonly columns: readonly string[];
  /** The formats offered (all of EXPORT_FORMATS when not given). */
  readonly formats?: readonly ExportFormat[];
  /** How the export is audited (AUDITOR_EXPORT_AUDIT when not given). */
  readonly audit?: ExportAudit;
  /** The file name before `-<day>.<format>`, when the filters belong in it (default: `name`). */
  fileStem?(query: Query): string;
  /** The filters as flat key/values (audit detail and bundle manifest). */
  describe(query: Query): Record<string, string>;
  /**
   * The source's newest record now, as an opaque bound for `rows` (null: no records yet).
   * Taken once when an export starts: records added later are not part of it, and every
   * file of a bundle covers the same records. A source without it (the inventory, a list
   * of current state, not a log) is read as it is while the download runs; `upTo` is null.
   */
  pin?(): Promise<string | null>;
  /**
   * The rows: those matching the query, oldest first, none past `upTo` (a `pin()`), handed on a
   * batch at a time as read: constant memory whatever the size, and one await per batch
   * rather than per row (under the server's async-context tracking each await costs more
   * than encoding a row).
   */
  rows(query: Query, upTo: string | null): AsyncIterable<readonly Row[]>;
  /** One row as a JSON object with exactly `columns` as keys (JSON Lines; needed when offered). */
  json?(row: Row): Record<string, unknown>;
};

/** Who writes the CSV: PostgreSQL (fast, the default) or Node, one record per row of `rows`. */
type CsvWriter<Query, Row> =
  | {
      /**
       * The CSV: one SELECT of text cells in column order, formula-guarded with guardedCell,
       * oldest first, none past `upTo`. PostgreSQL writes it (lib/export/copy-csv.ts).
       */
      csvSelect(query: Query, upTo: string): Prisma.Sql;
      csvRecord?: never;
    }
  | {
      /**
       * One row as CSV cells in column order, each guarded with neutraliseFormula (for cells
       * SQL would not format as the importer reads them back). Node writes the CSV.
       */
      csvRecord(row: Row): string[];
      csvSelect?: never;
    };

export type ExportSource<Query, Row> = ExportSourceBase<Query, Row> & CsvWriter<Query, Row>;

/** The one way to declare an export source (checks the declaration's types; no magic). */
export function defineExportSource<Query, Row>(source: ExportSource<Query, Row>): ExportSource<Query, Row> {
  return source;
}

export const formatsOf = (source: { formats?: readonly ExportFormat[] }): readonly ExportFormat[] => source.formats ?? EXPORT_FORMATS;
export const auditOf = (source: { audit?: ExportAudit }): ExportAudit => source.audit ?? AUDITOR_EXPORT_AUDIT;

/** A `describe` listing the filters named by `keys` that the query gives, as text. */
export function describeFilters<Query>(keys: readonly (keyof Query & string)[]): (query: Query) => Record<string, string> {
  return (query) => Object.fromEntries(keys.filter((k) => query[k] !== undefined).map((k) => [k, String(query[k])]));
}
