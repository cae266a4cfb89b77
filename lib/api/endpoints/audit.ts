// The audit trail through the API: its events one keyset page at a time, and the auditor
// exports (audit events, provider access history) streamed as the export routes stream
// them (lib/export/run.ts: authorized, audited, pinned to one consistent slice).
import 'server-only';
import { z } from 'zod';
import { listAuditEvents } from '@/lib/data/audit-events';
import { attachmentResponse } from '@/lib/export/route';
import { exportRows } from '@/lib/export/run';
import { EXPORT_FORMATS } from '@/lib/export/source';
import { accessEventsSource } from '@/lib/export/sources/access-events';
import { auditEventsSource } from '@/lib/export/sources/audit-events';
import { ZAccessExportQuery, parseAccessExportQuery } from '@/lib/validation/access-export';
import { ZAuditListQuery, parseAuditListQuery } from '@/lib/validation/audit-list';
import { parseExportFormat } from '@/lib/validation/export-format';
import { parseInput } from '@/lib/validation/parse';
import { endpoint } from '../endpoint';
import { ZAuditPage } from '../schemas';
import { apiPage, strictListQuery } from '../strict-query';

const ZFormat = z.enum(EXPORT_FORMATS).default('csv').describe('csv or jsonl (JSON Lines)');
// The audit filters without the page cursor (.omit is not offered on a refined object): an export is the whole match.
const { after: _after, ...auditFilters } = ZAuditListQuery.shape;
const DOWNLOAD = ['text/csv', 'application/x-ndjson'] as const;

export const listAuditEventsEndpoint = endpoint({
  method: 'GET',
  path: '/audit/events',
  operationId: 'listAuditEvents',
  tag: 'Audit',
  summary: 'List audit events',
  description: "The audit trail, newest first, with the Audit page's filters, one keyset page at a time.",
  permission: 'audit.read',
  query: strictListQuery(ZAuditListQuery.shape),
  success: { status: 200, schema: ZAuditPage },
  handle: async ({ caller, rawQuery: { cursor, ...filters } }) =>
    apiPage(await listAuditEvents(caller, parseInput(ZAuditListQuery, { ...filters, after: cursor }))),
});

export const exportAuditEndpoint = endpoint({
  method: 'GET',
  path: '/exports/audit',
  operationId: 'exportAuditEvents',
  tag: 'Audit',
  summary: 'Export audit events',
  description: 'Every matching audit event as one streamed CSV or JSON Lines download (the export is itself audited).',
  permission: 'audit.export',
  query: z.object({ ...auditFilters, format: ZFormat }),
  success: { status: 200, download: DOWNLOAD },
  handle: async ({ caller, rawQuery }) =>
    attachmentResponse(
      await exportRows(
        caller,
        auditEventsSource,
        () => ({ ...parseAuditListQuery(rawQuery), after: undefined }),
        () => parseExportFormat(rawQuery.format),
      ),
    ),
});

export const exportAccessEndpoint = endpoint({
  method: 'GET',
  path: '/exports/access',
  operationId: 'exportAccessHistory',
  tag: 'Audit',
  summary: 'Export provider access history',
  description: "Who called the providers' secret APIs (GetSecretValue, AccessSecretVersion, ...), as one streamed CSV or JSON Lines download.",
  permission: 'audit.export',
  query: z.object({ ...ZAccessExportQuery.shape, format: ZFormat }),
  success: { status: 200, download: DOWNLOAD },
  handle: async ({ caller, rawQuery }) =>
    attachmentResponse(
      await exportRows(
        caller,
        accessEventsSource,
        () => parseAccessExportQuery(rawQuery),
        () => parseExportFormat(rawQuery.format),
      ),
    ),
});
