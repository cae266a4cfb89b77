// GET /api/export/audit/bundle?<audit trail filters>: a signed evidence bundle (zip) of
// the matching audit events, streamed (permission audit.export; the export is audited;
// a malformed filter is a 400 naming it).
import type { NextRequest } from 'next/server';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { exportEvidenceBundle } from '@/lib/data/evidence-bundle';
import { downloadResponse, queryParams } from '@/lib/export/download-response';
import { parseAuditListQuery } from '@/lib/validation/audit-list';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  const refused = await refuseCrossSite(request);
  if (refused) return refused;
  const caller = await getCaller();
  const params = queryParams(request);
  return downloadResponse(caller, () => exportEvidenceBundle(caller, () => parseAuditListQuery(params)));
}
