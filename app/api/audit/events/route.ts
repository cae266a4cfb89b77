// GET /api/audit/events?<audit filters>&after=<cursor>: one page of the audit trail as
// JSON (events, cursor links, the export links' filter query). The Audit page's table
// fetches it when a filter or the page changes, instead of the server rendering the
// whole page again. Permission audit.read (auditors and admins; auditListView authorizes,
// a refusal is audited there) before the filters are looked at; a malformed filter
// answers 400 naming each problem. Cross-site requests are refused like every route's.
// Events are live, so never cached anywhere; they carry no secret value.
import type { NextRequest } from 'next/server';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { auditListView } from '@/lib/data/audit-list-view';
import { ForbiddenError } from '@/lib/errors';
import { deniedResponse, queryParams } from '@/lib/export/route';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'private, no-store' };

export async function GET(request: NextRequest) {
  const refused = await refuseCrossSite(request);
  if (refused) return refused;
  const caller = await getCaller();
  try {
    const view = await auditListView(caller, queryParams(request));
    if (!view.ok) return Response.json({ ...view, error: 'Check the audit filters.' }, { status: 400, headers: NO_STORE });
    return Response.json(view, { headers: NO_STORE });
  } catch (error) {
    if (error instanceof ForbiddenError) return deniedResponse(caller, error, NO_STORE);
    throw error;
  }
}
