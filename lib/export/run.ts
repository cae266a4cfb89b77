// Exports of any export source (lib/export/source.ts) as one CSV or JSON Lines stream:
// the export room's authorized entry point, like a lib/data function. Authorizes before
// anything streams (a denial is an HTTP error, not a broken download) and audits the
// export as its source says: for the auditor exports when the stream ends, with the
// filters and the row count actually written (`complete: false` when the download
// stopped early); for the inventory as it starts.
import 'server-only';
import type { Readable } from 'node:stream';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { InputError } from '@/lib/errors';
import { CONTENT_TYPES, encodeExport, exportFileName, type ExportEnd } from '@/lib/export/encode';
import { AUDITOR_EXPORT_AUDIT, auditOf, formatsOf, type ExportFormat, type ExportSource } from '@/lib/export/source';
import { log } from '@/lib/log';

export const EXPORT_AUDIT_ACTION = AUDITOR_EXPORT_AUDIT.action;
export const EXPORT_TARGET_TYPE = AUDITOR_EXPORT_AUDIT.targetType;

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

/** Authorizes the caller for `source` (a refusal is audited by authorize under the source's action). */
async function authorizeExport<Q, R>(caller: Caller, source: ExportSource<Q, R>): Promise<void> {
  const audit = auditOf(source);
  await authorize(caller, source.permission, { action: audit.action, targetType: audit.targetType });
}

/** For a source audited as it starts: that event, with the filters. */
async function auditExportStart<Q, R>(caller: Caller, source: ExportSource<Q, R>, query: Q): Promise<void> {
  const audit = auditOf(source);
  if (audit.when === 'start') await recordAudit(db, caller, { action: audit.action, targetType: audit.targetType, detail: source.describe(query) });
}

/**
 * The rows of an export without encoding them (the inventory's round-trip tests read them):
 * authorized and audited exactly as a download of `source` is.
 */
export async function exportedRows<Q, R>(caller: Caller, source: ExportSource<Q, R>, query: Q): Promise<AsyncIterable<readonly R[]>> {
  await authorizeExport(caller, source);
  await auditExportStart(caller, source, query);
  return source.rows(query, source.pin ? await source.pin() : null);
}

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
  await authorizeExport(caller, source);
  const format = parsed(formatOrParse);
  if (!formatsOf(source).includes(format))
    throw new InputError(`This export is offered as ${formatsOf(source).join(' or ')} only.`, { format: ['Unknown format'] });
  const query = parsed(queryOrParse);
  await auditExportStart(caller, source, query);
  // Pinned to the newest record now: the export's own audit event (and anything after)
  // is not part of it, and a long download is one consistent slice.
  const { stream, ended } = encodeExport(source, query, source.pin ? await source.pin() : null, format);
  if (auditOf(source).when === 'end') {
    void ended.then((end: ExportEnd) =>
      auditExportEnd(caller, { source: source.name, format, ...source.describe(query), rows: end.rows, complete: end.complete }, end.complete),
    );
  }
  return { stream, fileName: exportFileName(source, query, format, now.toISOString().slice(0, 10)), contentType: CONTENT_TYPES[format] };
}
