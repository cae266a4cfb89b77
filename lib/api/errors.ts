// The REST API's errors: one JSON shape, {error: {code, message, fieldErrors?}}, with a
// stable code per kind of refusal, so a script branches on `code` and shows `message`.
// Messages are the data layer's own (written for a person, never quoting input) or fixed
// texts here: an answer never echoes what was sent, which could be a pasted secret.
import 'server-only';
import { z } from 'zod';
import { SigningKeyMissingError } from '@/lib/audit/signing-key';
import type { Caller } from '@/lib/auth/caller';
import { BusyError, ConflictError, DatabaseUnavailableError, ForbiddenError, InputError, NotFoundError, QueryTimeoutError } from '@/lib/errors';
import { log } from '@/lib/log';

/** Each code and the HTTP status it comes with. */
export const API_ERROR_STATUS = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  idempotency_conflict: 422,
  too_large: 413,
  rate_limited: 429,
  busy: 503,
  unavailable: 503,
  internal: 500,
} as const;
export const API_ERROR_CODES = Object.keys(API_ERROR_STATUS) as [keyof typeof API_ERROR_STATUS, ...(keyof typeof API_ERROR_STATUS)[]];
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export const ZApiError = z.object({
  error: z.object({
    code: z.enum(API_ERROR_CODES),
    message: z.string(),
    fieldErrors: z.record(z.string(), z.array(z.string())).optional(),
  }),
});

/** Answers are live data or refusals: never stored by a browser or a proxy. */
export const NO_STORE = { 'cache-control': 'no-store' } as const;

export function apiError(
  status: number,
  code: ApiErrorCode,
  message: string,
  extra: { fieldErrors?: Record<string, string[]>; retryAfterSeconds?: number } = {},
): Response {
  const headers: Record<string, string> = { ...NO_STORE };
  if (extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(extra.retryAfterSeconds)));
  const fieldErrors = extra.fieldErrors && Object.keys(extra.fieldErrors).length ? extra.fieldErrors : undefined;
  return Response.json({ error: { code, message, ...(fieldErrors ? { fieldErrors } : {}) } }, { status, headers });
}

/** A thrown error as the API's answer. Unknown errors are logged and answered with no detail (500). */
export function errorResponse(caller: Caller | null, error: unknown): Response {
  if (error instanceof ForbiddenError) {
    return caller?.user ? apiError(403, 'forbidden', error.message) : apiError(401, 'unauthenticated', error.message);
  }
  if (error instanceof NotFoundError) return apiError(404, 'not_found', error.message);
  if (error instanceof ConflictError) return apiError(409, 'conflict', error.message, { fieldErrors: error.fieldErrors });
  if (error instanceof InputError) return apiError(400, 'invalid', error.message, { fieldErrors: error.fieldErrors });
  if (error instanceof BusyError) return apiError(503, 'busy', error.message, { retryAfterSeconds: error.retryAfterSeconds });
  if (error instanceof DatabaseUnavailableError || error instanceof QueryTimeoutError || error instanceof SigningKeyMissingError) {
    return apiError(503, 'unavailable', error.message, { retryAfterSeconds: 5 });
  }
  log.error('REST API request failed', { error });
  return apiError(500, 'internal', 'The server could not answer this request. It has been logged.');
}
