// GET /api/export/access?format=csv|jsonl&from&to&environment&secret&principal&action:
// provider access history (who called the secret APIs at the cloud) as a streamed CSV or
// JSON Lines download (permission audit.export; the export is audited; a malformed
// filter or format is a 400 naming it).
import type { NextRequest } from 'next/server';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { accessEventsSource } from '@/lib/data/access-export';
import { exportRows } from '@/lib/data/exports';
import { downloadResponse, queryParams } from '@/lib/export/download-response';
import { parseAccessExportQuery } from '@/lib/validation/access-export';
import { parseExportFormat } from '@/lib/validation/export-format';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  const refused = await refuseCrossSite(request);
  if (refused) return refused;
  const caller = await getCaller();
  const params = queryParams(request);
  return downloadResponse(caller, () => exportRows(caller, accessEventsSource, () => parseAccessExportQuery(params), () => parseExportFormat(params.format)));
}
