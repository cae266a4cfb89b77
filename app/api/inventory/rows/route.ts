// GET /api/inventory/rows?<inventory list filters>: one page of the inventory list as JSON
// (rows, cursor links, counts). The Inventory page's table fetches it when a filter, the
// sort or the page changes, instead of the server rendering the whole page again.
// Permission secrets.read (listSecrets authorizes; a refusal is audited there); cross-site
// requests are refused like every route's. Rows are live, so never cached anywhere; list
// rows carry no secret value.
import type { NextRequest } from 'next/server';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { secretListView } from '@/lib/data/secret-list-view';
import { ForbiddenError } from '@/lib/errors';
import { deniedResponse, queryParams } from '@/lib/export/route';
import { parseSecretListQuery } from '@/lib/validation/secret-list';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'private, no-store' };

export async function GET(request: NextRequest) {
  const refused = await refuseCrossSite(request);
  if (refused) return refused;
  const caller = await getCaller();
  try {
    return Response.json(await secretListView(caller, parseSecretListQuery(queryParams(request))), { headers: NO_STORE });
  } catch (error) {
    if (error instanceof ForbiddenError) return deniedResponse(caller, error, NO_STORE);
    throw error;
  }
}
