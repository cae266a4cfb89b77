// Access tokens for calls without a browser (the leak-check CLI, the REST API). A token is
// `sid_` + 32 random bytes (base64url); the database keeps only its SHA-256 (a random
// 256-bit token cannot be guessed from its hash, so no slow hash is needed). A token acts
// as its user, with the user's role as it is now, narrowed to the token's scopes: a
// disabled user, a revoked or expired token, or a scope the token lacks is refused. A
// team's service token acts as its own service account (lib/data/service-tokens.ts), a
// member of that team, so team scoping applies to it like to any engineer.
import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { Prisma } from '@/generated/prisma/client';
import type { Role } from '@/generated/prisma/enums';
import { recordSignedOutDenial } from '@/lib/audit/signed-out-denials';
import { db, queryRows } from '@/lib/db';
import { env } from '@/lib/env';
import type { ApiScope } from '@/lib/validation/api-tokens';
import { apiRateLimiter } from './api-rate-limit';
import { callerFor, type Caller, type RequestMeta } from './caller';
import { requestMetaFrom } from './request-meta';

export { API_SCOPES, type ApiScope } from '@/lib/validation/api-tokens';

const TOKEN_PREFIX = 'sid_';
/** How often a token's last-used time and address are written (at most). */
const TOUCH_EVERY_MS = 60_000;

export function newTokenText(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function tokenHashOf(token: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(token, 'utf8').digest());
}

/** The bearer token of a request, if it carries one in the Authorization header. */
export function bearerTokenOf(request: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
  return match && match[1].startsWith(TOKEN_PREFIX) ? match[1] : null;
}

type Row = {
  token_id: string;
  scopes: ApiScope[];
  id: string;
  email: string;
  name: string;
  role: Role;
  last_used_at: Date | null;
  last_used_ip: string | null;
  rate_limit_per_minute: number | null;
};

type TokenCaller = { caller: Caller; perMinute: number | null };

/**
 * The caller a live token stands for, with its scopes and its own rate limit; null when the
 * token is unknown, revoked, expired or its user (or service account) is not active.
 */
async function callerOfToken(token: string, meta: RequestMeta, now: Date): Promise<TokenCaller | null> {
  const rows = await queryRows<Row>(Prisma.sql`
    SELECT t.id AS token_id, t.scopes, u.id, u.email, u.name, u.role, t.last_used_at, t.last_used_ip, t.rate_limit_per_minute
    FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = ${tokenHashOf(token)} AND t.revoked_at IS NULL AND t.expires_at > ${now} AND u.status = 'active'`);
  const row = rows[0];
  if (!row) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= TOUCH_EVERY_MS || row.last_used_ip !== meta.ip) {
    await db.$executeRaw`UPDATE api_tokens SET last_used_at = ${now}, last_used_ip = ${meta.ip} WHERE id = ${row.token_id}::uuid`;
  }
  return {
    caller: { user: { id: row.id, email: row.email, name: row.name, role: row.role }, request: meta, tokenId: row.token_id, tokenScopes: row.scopes },
    perMinute: row.rate_limit_per_minute,
  };
}

/**
 * The caller a request's bearer token stands for, or null when the request has no token
 * or the token is unknown, revoked, expired, lacks `scope` or belongs to a user who is no
 * longer active. Callers answer null with 401 (and audit it through authorize as signed out).
 */
export async function tokenCaller(request: Request, scope: ApiScope, now = new Date()): Promise<Caller | null> {
  const token = bearerTokenOf(request);
  if (!token) return null;
  const found = await callerOfToken(token, requestMetaFrom(request.headers), now);
  return found?.caller.tokenScopes?.includes(scope) ? found.caller : null;
}

/** Why a REST API request is refused before any data-layer call: 401 without a live token, 429 over its rate limit. */
export type ApiRefusal = { status: 401 | 429; code: 'unauthenticated' | 'rate_limited'; message: string; retryAfterSeconds?: number };

const limiter = apiRateLimiter();

/** A signed-out caller's failed API authentication: one audit event per address and minute, the rest counted. */
async function refuse(meta: RequestMeta, reason: 'no_token' | 'invalid_token' | 'address_rate_limited', refusal: ApiRefusal): Promise<{ refusal: ApiRefusal }> {
  await recordSignedOutDenial(callerFor(null, meta), { action: 'api_token.authenticate', targetType: 'api_token', outcome: 'denied', detail: { reason } });
  return { refusal };
}

const tooMany = (retryAfterSeconds: number, message: string): ApiRefusal => ({ status: 429, code: 'rate_limited', message, retryAfterSeconds });

/**
 * The caller of a REST API request (/api/v1): the bearer token's user (or a service token's
 * service account), narrowed to the token's scopes (authorize() checks them on every
 * data-layer call), or why the request is refused: 401 without a live token, 429 over the
 * token's calls per minute, or from an address that sent too many requests without a live
 * token (its next token is not even looked up). Only a bearer token counts: a browser
 * session cookie never authenticates an API call. Both limits are shared by every instance.
 */
export async function authenticateApiRequest(request: Request, now = new Date()): Promise<{ caller: Caller } | { refusal: ApiRefusal }> {
  const meta = requestMetaFrom(request.headers);
  const address = await limiter.addressVerdict(meta.ip);
  if (!address.allowed) {
    return refuse(meta, 'address_rate_limited', tooMany(address.retryAfterSeconds, 'Too many requests without a live access token from this address.'));
  }
  const token = bearerTokenOf(request);
  const found = token ? await callerOfToken(token, meta, now) : null;
  if (!found) {
    await limiter.countFailure(meta.ip);
    return refuse(meta, token ? 'invalid_token' : 'no_token', {
      status: 401,
      code: 'unauthenticated',
      message: 'Send a live access token: Authorization: Bearer sid_...',
    });
  }
  const call = await limiter.takeCall(found.caller.tokenId!, found.perMinute ?? env().API_RATE_LIMIT_PER_MINUTE);
  if (!call.allowed) return { refusal: tooMany(call.retryAfterSeconds, 'This access token made too many requests this minute.') };
  return { caller: found.caller };
}
