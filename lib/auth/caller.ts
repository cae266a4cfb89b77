// Who is calling and from where. Every data-layer function takes a Caller; pages and
// actions get theirs from `getCaller()`, tests build one with `callerFor()`.
import 'server-only';
import type { Role } from '@/generated/prisma/enums';

export type SessionUser = { id: string; email: string; name: string; role: Role };
export type RequestMeta = { ip: string | null; userAgent: string | null; requestId: string | null };
/** tokenId: the access token the call came with (lib/auth/api-tokens.ts); absent for browser sessions. */
export type Caller = { user: SessionUser | null; request: RequestMeta; tokenId?: string };

export const NO_REQUEST: RequestMeta = { ip: null, userAgent: null, requestId: null };

export function callerFor(user: SessionUser | null, request: RequestMeta = NO_REQUEST): Caller {
  return { user, request };
}
