// GET /api/export/access?format=csv|jsonl&from&to&environment&secret&principal&action:
// provider access history (who called the secret APIs at the cloud) as a streamed CSV or
// JSON Lines download (permission audit.export; the export is audited; a malformed
// filter or format is a 400 naming it).
import { exportRoute } from '@/lib/export/route';
import { exportRows } from '@/lib/export/run';
import { accessEventsSource } from '@/lib/export/sources/access-events';
import { parseAccessExportQuery } from '@/lib/validation/access-export';
import { parseExportFormat } from '@/lib/validation/export-format';

export const dynamic = 'force-dynamic';

export const GET = exportRoute((caller, params) =>
  exportRows(
    caller,
    accessEventsSource,
    () => parseAccessExportQuery(params),
    () => parseExportFormat(params.format),
  ),
);
