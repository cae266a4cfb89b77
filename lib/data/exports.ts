// Auditor exports of any export source (lib/export/source.ts) as one CSV or JSON Lines
// stream. Authorizes before anything streams (a denial is an HTTP error, not a broken
// download) and audits the export when its stream ends, with the filters and the row
// count actually written (`complete: false` when the download stopped early).
import 'server-only';
import type { Readable } from 'node:stream';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { CONTENT_TYPES, encodeExport, exportFileName, type ExportEnd } from '@/lib/export/encode';
import type { ExportFormat, ExportSource } from '@/lib/export/source';
import { log } from '@/lib/log';

export const EXPORT_AUDIT_ACTION = 'audit.export';
export const EXPORT_TARGET_TYPE = 'audit_event';

export type ExportDownload = { stream: Readable; fileName: string; contentType: string };

/** Records the finished (or abandoned) export; failures are logged, never thrown into a stream. */
export function auditExportEnd(caller: Caller, detail: Record<string, string | number | boolean | null>, complete: boolean): Promise<void> {
  return recordAudit(db, caller, {
    action: EXPORT_AUDIT_ACTION,
    targetType: EXPORT_TARGET_TYPE,
    outcome: complete ? 'success' : 'failed',
    detail,
  }).catch((error: unknown) => log.error('could not record an export in the audit trail', { error }));
}

/** A value, or its parser (throwing InputError on bad input) to run after the permission check. */
export type Parsed<T> = T | (() => T);

export const parsed = <T>(value: Parsed<T>): T => (typeof value === 'function' ? (value as () => T)() : value);

/**
 * `query` and `format` may be parsers (throwing InputError on a bad filter): they then run
 * after the permission check, so a refused caller is refused (and audited) whatever they sent.
 */
export async function exportRows<Q, R>(
  caller: Caller,
  source: ExportSource<Q, R>,
  queryOrParse: Parsed<Q>,
  formatOrParse: Parsed<ExportFormat>,
  now = new Date(),
): Promise<ExportDownload> {
  await authorize(caller, source.permission, { action: EXPORT_AUDIT_ACTION, targetType: EXPORT_TARGET_TYPE });
  const format = parsed(formatOrParse);
  const query = parsed(queryOrParse);
  // Pinned to the newest record now: the export's own audit event (and anything after)
  // is not part of it, and a long download is one consistent slice.
  const { stream, ended } = encodeExport(source, query, await source.pin(), format);
  void ended.then((end: ExportEnd) =>
    auditExportEnd(caller, { source: source.name, format, ...source.describe(query), rows: end.rows, complete: end.complete }, end.complete),
  );
  return { stream, fileName: exportFileName(source, format, now.toISOString().slice(0, 10)), contentType: CONTENT_TYPES[format] };
}
