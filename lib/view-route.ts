// The GET handler of a list page's JSON view route (app/api/inventory/rows,
// app/api/audit/events), which the page's script fetches when a filter, the sort or the page
// changes: it refuses cross-site requests, reads the caller, and answers the view `load`
// returns as JSON, or the data layer's refusal (already audited there) as 401/403. Views are
// live rows, so never cached anywhere.
import 'server-only';
import type { NextRequest } from 'next/server';
import type { Caller } from '@/lib/auth/caller';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { ForbiddenError } from '@/lib/errors';
import { deniedResponse, queryParams } from '@/lib/export/route';

const PRIVATE_NO_STORE = { 'cache-control': 'private, no-store' };

/** What a view route answers: the view, and its status when it is not 200 (a malformed filter's 400). */
export type ViewAnswer = { body: unknown; status?: number };

export function viewRoute(load: (caller: Caller, params: Record<string, string>) => Promise<ViewAnswer>) {
  return async function GET(request: NextRequest): Promise<Response> {
    const refused = await refuseCrossSite(request);
    if (refused) return refused;
    const caller = await getCaller();
    try {
      const { body, status = 200 } = await load(caller, queryParams(request));
      return Response.json(body, { status, headers: PRIVATE_NO_STORE });
    } catch (error) {
      if (error instanceof ForbiddenError) return deniedResponse(caller, error, PRIVATE_NO_STORE);
      throw error;
    }
  };
}
