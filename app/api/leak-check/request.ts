// What every leak-check route shares: who is calling (an access token with the leak-check
// scope, for the CLI, or the browser session, refused when cross-site), reading a body
// with a byte limit, and turning the data layer's refusals into JSON {error, code}.
import { readBodyAtMost } from '@/lib/read-at-most';
import type { NextRequest } from 'next/server';
import { bearerTokenOf, tokenCaller } from '@/lib/auth/api-tokens';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { requestMetaFrom } from '@/lib/auth/request-meta';
import { getCaller } from '@/lib/auth/session';
import { LeakRateLimitError } from '@/lib/data/leak-scans';
import { BusyError, ForbiddenError, InputError, NotFoundError } from '@/lib/errors';

export const NO_STORE = { 'cache-control': 'no-store' };

export function jsonError(status: number, code: string, error: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, code, ...extra }, { status, headers: NO_STORE });
}

/**
 * The caller, or the response that refuses the request: 401 for a bearer token that is
 * unknown, revoked, expired or lacks the leak-check scope (audited as a signed-out denial),
 * 403 for a browser request from another site.
 */
export async function leakCaller(request: NextRequest, action: string, scanId?: string): Promise<{ caller: Caller } | { refused: Response }> {
  if (bearerTokenOf(request) || request.headers.has('authorization')) {
    const caller = await tokenCaller(request, 'leak-check');
    if (caller) return { caller };
    try {
      await authorize({ user: null, request: requestMetaFrom(request.headers) }, 'leak.scan', { action, targetType: 'leak_scan', targetId: scanId });
    } catch {
      // The denial is recorded; the answer is the 401 below.
    }
    return { refused: jsonError(401, 'unauthenticated', 'The access token is unknown, expired, revoked or not allowed to run leak checks.') };
  }
  const refused = await refuseCrossSite(request);
  if (refused) return { refused };
  return { caller: await getCaller() };
}

/** A JSON body of at most `limit` bytes, or the response refusing it. */
export async function readJson(request: NextRequest, limit: number): Promise<{ body: unknown } | { refused: Response }> {
  const bytes = await readBodyAtMost(request, limit);
  if (!bytes) return { refused: jsonError(413, 'too_large', `The request body is larger than ${Math.round(limit / 1024 / 1024)} MB: send smaller batches.`) };
  try {
    return { body: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { refused: jsonError(400, 'bad_json', 'The request body is not JSON.') };
  }
}

/** The data layer's refusal as JSON (never its input); anything else is rethrown (a 500 with no detail). */
export function refusal(caller: Caller, error: unknown): Response {
  if (error instanceof ForbiddenError) return jsonError(caller.user ? 403 : 401, caller.user ? 'forbidden' : 'unauthenticated', error.message);
  if (error instanceof NotFoundError) return jsonError(404, 'not_found', error.message);
  if (error instanceof InputError) {
    const limited = error instanceof LeakRateLimitError;
    return jsonError(limited ? 429 : 400, limited ? 'rate_limited' : 'invalid', error.message, limited ? {} : { fieldErrors: error.fieldErrors });
  }
  if (error instanceof BusyError) return jsonError(503, 'busy', error.message);
  throw error;
}
