// GET /api/export/audit?format=csv|jsonl&<audit trail filters>: the matching audit events
// as a streamed CSV or JSON Lines download (permission audit.export; the export is audited;
// a malformed filter or format is a 400 naming it).
import { exportRoute } from '@/lib/export/route';
import { exportRows } from '@/lib/export/run';
import { auditEventsSource } from '@/lib/export/sources/audit-events';
import { parseAuditListQuery } from '@/lib/validation/audit-list';
import { parseExportFormat } from '@/lib/validation/export-format';

export const dynamic = 'force-dynamic';

export const GET = exportRoute((caller, params) =>
  exportRows(
    caller,
    auditEventsSource,
    // The whole match is exported: a page cursor from a copied audit URL does not apply.
    () => ({ ...parseAuditListQuery(params), after: undefined }),
    () => parseExportFormat(params.format),
  ),
);
