// GET /api/metrics: Prometheus text format (lib/metrics). For Prometheus, an access token
// with the metrics:read scope (Authorization: Bearer sid_...); an administrator's browser
// session works too (same-site only). A token that is missing, unknown, revoked, expired or
// lacks the scope gets 401, over its rate limit 429; a role without metrics.read 403 (denials
// audited by authorize()). The METRICS_PORT server serves the same text without sign-in.
import type { NextRequest } from 'next/server';
import { authenticateApiRequest, bearerTokenOf } from '@/lib/auth/api-tokens';
import type { Caller } from '@/lib/auth/caller';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { getCaller } from '@/lib/auth/session';
import { readMetrics } from '@/lib/data/metrics';
import { ForbiddenError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'no-store' };

function refused(status: number, code: string, error: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error, code }, { status, headers: { ...NO_STORE, ...headers } });
}

/** The caller: the bearer token's (narrowed to its scopes), else the browser session's; or the response refusing the request. */
async function callerOf(request: NextRequest): Promise<{ caller: Caller } | { refusal: Response }> {
  if (bearerTokenOf(request) || request.headers.has('authorization')) {
    const authenticated = await authenticateApiRequest(request);
    if ('caller' in authenticated) return authenticated;
    // authenticateApiRequest audited the refusal (a signed-out denial).
    const { status, code, message, retryAfterSeconds } = authenticated.refusal;
    return { refusal: refused(status, code, message, retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {}) };
  }
  const crossSite = await refuseCrossSite(request);
  if (crossSite) return { refusal: crossSite };
  return { caller: await getCaller() };
}

export async function GET(request: NextRequest) {
  const who = await callerOf(request);
  if ('refusal' in who) return who.refusal;
  try {
    const { contentType, body } = await readMetrics(who.caller);
    return new Response(body, { headers: { 'content-type': contentType, ...NO_STORE } });
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    return who.caller.user ? refused(403, 'forbidden', error.message) : refused(401, 'unauthenticated', error.message);
  }
}
