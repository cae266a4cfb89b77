// One REST API endpoint (/api/v1): its method, path and zod schemas, which both check the
// request and describe it in the OpenAPI document (./openapi.ts), and `handle`, which calls
// the same lib/data functions the pages do (same permissions, audit events and errors).
// `endpoint()` adds the route handler every app/api/v1 route file exports: bearer token
// only (a browser session cookie never counts; lib/auth/api-tokens.ts audits a refusal and
// applies the rate limits), a body size limit, zod parsing, Idempotency-Key on POST, and
// every error as {error: {code, message}}.
import 'server-only';
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { authenticateApiRequest } from '@/lib/auth/api-tokens';
import type { Caller } from '@/lib/auth/caller';
import type { Permission } from '@/lib/auth/permissions';
import { MAX_API_BODY_BYTES } from '@/lib/body-limits';
import { readBodyAtMost } from '@/lib/read-at-most';
import { parseInput } from '@/lib/validation/parse';
import { apiError, errorResponse, NO_STORE } from './errors';
import { claimIdempotencyKey, finishIdempotencyKey, isValidIdempotencyKey, releaseIdempotencyKey } from './idempotency';

export type Method = 'GET' | 'POST' | 'PATCH';

type AnyObject = z.ZodObject;

export type Context<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> = {
  caller: Caller;
  params: z.output<P>;
  query: z.output<Q>;
  /** The query as sent (first value of each name), for data-layer parsers that read it themselves. */
  rawQuery: Record<string, string>;
  body: z.output<B>;
  /** The body as sent (without `rawField`), for data-layer functions that parse it themselves. */
  rawBody: unknown;
  /** The `rawField` (a secret value) as sent: never parsed by zod, whose issues could quote it. */
  rawValue: unknown;
  /** The Idempotency-Key and who it belongs to, when the request carries one. */
  idempotency: { principal: string; key: string } | null;
};

export type Success = { status: 200 | 201; schema: z.ZodType } | { status: 200; download: readonly string[] };

export type EndpointSpec<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType> = {
  method: Method;
  /** The path under /api/v1, with {name} for path parameters (the folder [name]). */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** The permission the data layer checks (the document names the token scopes that grant it). */
  permission: Permission;
  params?: P;
  query?: Q;
  body?: B;
  /** A body field read without zod (the value of a value write), documented with this schema. */
  rawField?: { name: string; schema: z.ZodType };
  success: Success;
  /** The answer's body (JSON), or a Response for a download. */
  handle: (context: Context<P, Q, B>) => Promise<unknown>;
};

export type Endpoint = EndpointSpec & {
  handler: (request: NextRequest, context: { params: Promise<Record<string, string> | undefined> }) => Promise<Response>;
};

export function endpoint<
  P extends AnyObject = z.ZodObject<Record<never, never>>,
  Q extends AnyObject = z.ZodObject<Record<never, never>>,
  B extends z.ZodType = z.ZodObject<Record<never, never>>,
>(spec: EndpointSpec<P, Q, B>): Endpoint {
  const typed = spec as unknown as EndpointSpec;
  return { ...typed, handler: (request, context) => handleRequest(typed, request, context) };
}

const EMPTY = z.object({});

/** The first value of each query parameter. */
function queryOf(request: NextRequest): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [k, v] of request.nextUrl.searchParams) query[k] ??= v;
  return query;
}

async function handleRequest(spec: EndpointSpec, request: NextRequest, context: { params: Promise<Record<string, string> | undefined> }): Promise<Response> {
  const auth = await authenticateApiRequest(request);
  if ('refusal' in auth) {
    // Audited there (a signed-out denial); 429 carries Retry-After.
    const { status, code, message, retryAfterSeconds } = auth.refusal;
    return apiError(status, code, message, { retryAfterSeconds });
  }
  const { caller } = auth;
  let bytes: Buffer = Buffer.alloc(0);
  if (spec.method !== 'GET') {
    const read = await readBodyAtMost(request, MAX_API_BODY_BYTES);
    if (!read) return apiError(413, 'too_large', `The request body is larger than ${MAX_API_BODY_BYTES / 1024} KiB.`);
    bytes = read;
  }
  let json: unknown = {};
  if (bytes.length) {
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return apiError(400, 'invalid', 'The request body is not JSON.');
    }
  }

  let claim: string | null = null;
  let idempotency: Context<AnyObject, AnyObject, z.ZodType>['idempotency'] = null;
  const key = request.headers.get('idempotency-key');
  if (spec.method === 'POST' && key !== null) {
    if (!isValidIdempotencyKey(key)) return apiError(400, 'invalid', 'An Idempotency-Key is 1 to 200 printable characters without spaces.');
    idempotency = { principal: caller.tokenId ? `token:${caller.tokenId}` : `user:${caller.user?.id}`, key };
    const claimed = await claimIdempotencyKey({ ...idempotency, method: spec.method, path: request.nextUrl.pathname, body: bytes });
    if ('answer' in claimed) return claimed.answer;
    claim = claimed.run;
  }

  const response = await answer(spec, caller, request, context, json, idempotency);
  if (claim) {
    if (response.status >= 500 || response.headers.get('content-type')?.startsWith('application/json') !== true) await releaseIdempotencyKey(claim);
    else await finishIdempotencyKey(claim, response.status, await response.clone().json());
  }
  return response;
}

async function answer(
  spec: EndpointSpec,
  caller: Caller,
  request: NextRequest,
  context: { params: Promise<Record<string, string> | undefined> },
  json: unknown,
  idempotency: Context<AnyObject, AnyObject, z.ZodType>['idempotency'],
): Promise<Response> {
  try {
    let rawValue: unknown;
    let bodyInput = json;
    if (spec.rawField && json && typeof json === 'object' && !Array.isArray(json)) {
      const { [spec.rawField.name]: value, ...rest } = json as Record<string, unknown>;
      rawValue = value;
      bodyInput = rest;
    }
    const rawQuery = queryOf(request);
    const result = await spec.handle({
      caller,
      // Next passes no params object to a route without dynamic segments.
      params: parseInput(spec.params ?? EMPTY, (await context.params) ?? {}),
      query: parseInput(spec.query ?? EMPTY, rawQuery),
      rawQuery,
      body: parseInput(spec.body ?? EMPTY, bodyInput),
      rawBody: bodyInput,
      rawValue,
      idempotency,
    });
    if (result instanceof Response) return result;
    return Response.json(result, { status: spec.success.status, headers: NO_STORE });
  } catch (error) {
    return errorResponse(caller, error);
  }
}
