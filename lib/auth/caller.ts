// Who is calling and from where. Every data-layer function takes a Caller; pages and
// actions get theirs from `getCaller()`, tests build one with `callerFor()`.
import 'server-only';
import type { Role } from '@/generated/prisma/enums';
import type { ApiScope } from '@/lib/validation/api-tokens';

export type SessionUser = { id: string; email: string; name: string; role: Role };
export type RequestMeta = { ip: string | null; userAgent: string | null; requestId: string | null };
/**
 * tokenId, tokenScopes: the access token the call came with (lib/auth/api-tokens.ts) and
 * its scopes, which narrow what the call may do (authorize); absent for browser sessions.
 */
export type Caller = { user: SessionUser | null; request: RequestMeta; tokenId?: string; tokenScopes?: readonly ApiScope[] };

export const NO_REQUEST: RequestMeta = { ip: null, userAgent: null, requestId: null };

export function callerFor(user: SessionUser | null, request: RequestMeta = NO_REQUEST): Caller {
  return { user, request };
}
