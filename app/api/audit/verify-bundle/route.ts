// POST /api/audit/verify-bundle (body: the zip, at most MAX_BUNDLE_UPLOAD_BYTES): verifies
// an evidence bundle and answers the result as JSON (permission audit.read). The body is
// read with a byte limit and never stored; a server busy verifying others answers 503.
import { readBodyAtMost } from '@/lib/read-at-most';
import type { NextRequest } from 'next/server';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { authorizeBundleVerification, MAX_BUNDLE_UPLOAD_BYTES, verifyUploadedBundle } from '@/lib/export/bundle/verify-upload';
import { BusyError, ForbiddenError } from '@/lib/errors';
import { deniedResponse } from '@/lib/export/route';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'no-store' };

export async function POST(request: NextRequest) {
  const refused = await refuseCrossSite(request);
  if (refused) return refused;
  const caller = await getCaller();
  try {
    await authorizeBundleVerification(caller);
  } catch (error) {
    if (error instanceof ForbiddenError) return deniedResponse(caller, error, NO_STORE);
    throw error;
  }
  const bytes = await readBodyAtMost(request, MAX_BUNDLE_UPLOAD_BYTES);
  if (!bytes) {
    return Response.json(
      { error: 'The bundle is larger than 10 MB: verify it with `npm run audit:verify-bundle <file>` instead.' },
      { status: 413, headers: NO_STORE },
    );
  }
  try {
    return Response.json(await verifyUploadedBundle(caller, bytes), { headers: NO_STORE });
  } catch (error) {
    if (!(error instanceof BusyError)) throw error;
    return Response.json({ error: error.message }, { status: 503, headers: { ...NO_STORE, 'retry-after': String(error.retryAfterSeconds) } });
  }
}
