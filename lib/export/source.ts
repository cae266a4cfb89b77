// What an auditor export reads: one "export source" per kind of record (audit events,
// provider access history). The encoders, the route handlers and the evidence
// bundle only know this interface, so a new source is a module implementing it plus a
// line where sources are listed.
import type { Prisma } from '@/generated/prisma/client';
import type { Permission } from '@/lib/auth/permissions';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportSource<Query, Row> {
  /** File stem and the `source` named in the export's audit event, e.g. 'audit-events'. */
  readonly name: string;
  /** The permission an export of this source needs. */
  readonly permission: Permission;
  /** Column names in order: the CSV header and the JSON Lines keys. */
  readonly columns: readonly string[];
  /** The filters as flat key/values (audit detail and bundle manifest). */
  describe(query: Query): Record<string, string>;
  /**
   * The source's newest record now, as an opaque bound for `rows` (null: no records yet).
   * Taken once when an export starts: records added later are not part of it, and every
   * file of a bundle covers the same records.
   */
  pin(): Promise<string | null>;
  /**
   * The rows for JSON Lines: those matching the query, oldest first, none past `upTo` (a `pin()`), handed on a
   * batch at a time as read: constant memory whatever the size, and one await per batch
   * rather than per row (under the server's async-context tracking each await costs more
   * than encoding a row).
   */
  rows(query: Query, upTo: string | null): AsyncIterable<readonly Row[]>;
  /**
   * The CSV: one SELECT of text cells in column order, formula-guarded with guardedCell,
   * oldest first, none past `upTo`. PostgreSQL writes it (lib/export/copy-csv.ts).
   */
  csvSelect(query: Query, upTo: string): Prisma.Sql;
  /** One row as a JSON object with exactly `columns` as keys. */
  json(row: Row): Record<string, unknown>;
}
