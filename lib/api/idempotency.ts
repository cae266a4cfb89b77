// Idempotency keys for the REST API's POSTs (the Idempotency-Key header, as the cloud APIs
// have it). The first request with a key claims a row; its answer is stored there, and for
// 24 hours the same key with the same request gets that answer again (Idempotent-Replayed:
// true) without doing the change twice. The same key with another request is refused (422),
// and a request whose key is claimed by one still running is refused (409) rather than run.
//
// The window: the data layer commits a change and its audit event in its own transaction,
// so the claim commits before the change and the answer after it. A process that dies in
// between leaves a claim without an answer: a retry with that key then gets 409 (never a
// second change) until the key expires, and a new key runs the request again. A 5xx answer
// releases the claim, so a retry after an outage runs. The value write also passes a token
// derived from the key to the write service, whose own idempotency covers that window.
import 'server-only';
import { createHmac } from 'node:crypto';
import { Prisma } from '@/generated/prisma/client';
import { db, queryRows } from '@/lib/db';
import { env } from '@/lib/env';
import { apiError, NO_STORE } from './errors';

/** How long an answer is kept and replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

/** Printable ASCII without spaces, as clients send UUIDs or their own request ids. */
const KEY_RE = /^[\x21-\x7e]{1,200}$/;

export type IdempotentRequest = { principal: string; key: string; method: string; path: string; body: Buffer };

export type Claim = { run: string } | { answer: Response };

function hmacKey(): string {
  return createHmac('sha256', env().NEXTAUTH_SECRET).update('rest-api-idempotency', 'utf8').digest('hex');
}

/**
 * A keyed hash of what the request asks for. The body may carry a secret value, and a plain
 * digest of a short value could be brute-forced from a database dump; an HMAC cannot without
 * the server's key.
 */
function requestHashOf(request: IdempotentRequest): Uint8Array<ArrayBuffer> {
  const mac = createHmac('sha256', hmacKey());
  for (const part of [request.method, request.path]) mac.update(part, 'utf8').update('\0');
  return new Uint8Array(mac.update(request.body).digest());
}

/** A UUID derived from the principal and the key: the value write's own idempotency token, the same on every retry. */
export function idempotencyUuid(principal: string, key: string): string {
  const hex = createHmac('sha256', hmacKey()).update(`${principal}\0${key}`, 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function isValidIdempotencyKey(key: string): boolean {
  return KEY_RE.test(key);
}

type Row = { id: string; request_hash: Uint8Array; response_status: number | null; response_body: unknown };

/**
 * Claims the key for this request, or answers it: the stored answer, 422 for another
 * request under the same key, 409 while the first is still running. An expired row is
 * taken over by the claim, in the same statement.
 */
export async function claimIdempotencyKey(request: IdempotentRequest, now = new Date()): Promise<Claim> {
  const hash = requestHashOf(request);
  const expired = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  const [claimed] = await queryRows<{ id: string }>(Prisma.sql`
    INSERT INTO idempotency_keys (id, principal, key, method, path, request_hash, created_at)
    VALUES (gen_random_uuid(), ${request.principal}, ${request.key}, ${request.method}, ${request.path}, ${hash}, ${now})
    ON CONFLICT (principal, key) DO UPDATE
      SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
          response_status = NULL, response_body = NULL, created_at = EXCLUDED.created_at
      WHERE idempotency_keys.created_at < ${expired}
    RETURNING id`);
  if (claimed) return { run: claimed.id };
  const [row] = await queryRows<Row>(Prisma.sql`
    SELECT id, request_hash, response_status, response_body
    FROM idempotency_keys WHERE principal = ${request.principal} AND key = ${request.key}`);
  // Released (deleted) between the two statements: the other request failed; this one may run.
  if (!row) return claimIdempotencyKey(request, now);
  if (!Buffer.from(row.request_hash).equals(Buffer.from(hash))) {
    return { answer: apiError(422, 'idempotency_conflict', 'This Idempotency-Key was used for a different request. Use a new key for a new request.') };
  }
  if (row.response_status === null) {
    return { answer: apiError(409, 'conflict', 'A request with this Idempotency-Key is still running or did not finish. Retry later, or use a new key.') };
  }
  return {
    answer: Response.json(row.response_body, { status: row.response_status, headers: { ...NO_STORE, 'idempotent-replayed': 'true' } }),
  };
}

/** Stores the answer of the request that claimed `id` (a JSON body: never a value). */
export async function finishIdempotencyKey(id: string, status: number, body: unknown): Promise<void> {
  await db.idempotencyKey.update({ where: { id }, data: { responseStatus: status, responseBody: body as Prisma.InputJsonValue } });
}

/** Gives the key back after a server-side failure, so a retry runs the request. */
export async function releaseIdempotencyKey(id: string): Promise<void> {
  await db.idempotencyKey.deleteMany({ where: { id } });
}

/** Removes keys past their 24 hours (a worker sweep). */
export async function purgeIdempotencyKeys(now = new Date()): Promise<number> {
  const { count } = await db.idempotencyKey.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } } });
  return count;
}
