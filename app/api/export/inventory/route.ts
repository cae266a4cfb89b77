// GET /api/export/inventory?<inventory list filters>: the matching secrets as a CSV
// download, streamed in keyset batches. Denials are JSON 401/403 (audited by authorize).
import type { NextRequest } from 'next/server';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { EXPORT_HEADER } from '@/lib/csv/inventory-columns';
import { csvStream } from '@/lib/csv/write';
import { exportInventory, toCsvRecords } from '@/lib/data/inventory-export';
import { ForbiddenError } from '@/lib/errors';
import { parseSecretListQuery } from '@/lib/validation/secret-list';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  const refused = await refuseCrossSite(request);
  if (refused) return refused;
  const caller = await getCaller();
  const params: Record<string, string> = {};
  for (const [k, v] of request.nextUrl.searchParams) params[k] ??= v;
  // The whole match is exported: paging parameters from a copied list URL do not apply.
  const query = { ...parseSecretListQuery(params), after: undefined };

  let rows;
  try {
    rows = await exportInventory(caller, query);
  } catch (error) {
    if (error instanceof ForbiddenError) {
      return Response.json({ error: error.message }, { status: caller.user ? 403 : 401, headers: { 'cache-control': 'no-store' } });
    }
    throw error;
  }

  const day = new Date().toISOString().slice(0, 10);
  const scope = query.env ? `-${query.env.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}` : '';
  return new Response(csvStream(EXPORT_HEADER, toCsvRecords(rows)), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="secret-inventory${scope}-${day}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
