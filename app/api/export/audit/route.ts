// GET /api/export/audit?format=csv|jsonl&<audit trail filters>: the matching audit events
// as a streamed CSV or JSON Lines download (permission audit.export; the export is audited;
// a malformed filter or format is a 400 naming it).
import type { NextRequest } from 'next/server';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { auditEventsSource } from '@/lib/data/audit-export';
import { exportRows } from '@/lib/data/exports';
import { downloadResponse, queryParams } from '@/lib/export/download-response';
import { parseAuditListQuery } from '@/lib/validation/audit-list';
import { parseExportFormat } from '@/lib/validation/export-format';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  const refused = await refuseCrossSite(request);
  if (refused) return refused;
  const caller = await getCaller();
  const params = queryParams(request);
  // The whole match is exported: a page cursor from a copied audit URL does not apply.
  const query = () => ({ ...parseAuditListQuery(params), after: undefined });
  return downloadResponse(caller, () => exportRows(caller, auditEventsSource, query, () => parseExportFormat(params.format)));
}
