// The request facts recorded with every audit event and used by the sign-in limits:
// client IP, user agent and the request id that proxy.ts stamps on each request.
import 'server-only';
import { headers } from 'next/headers';
import type { RequestMeta } from './caller';

const MAX_LEN = 512;

export function requestMetaFrom(h: Headers): RequestMeta {
  // scripts/server.mjs, which serves the app, replaces X-Forwarded-For with the one client
  // address it vouches for (the socket's peer, or the entry TRUST_PROXY hops deep). The last
  // entry is taken so that a chain, had anything else appended to it, never yields the
  // client-written left end.
  const ip =
    (h.get('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1) ?? null;
  return {
    ip: ip?.slice(0, 64) ?? null,
    userAgent: h.get('user-agent')?.slice(0, MAX_LEN) ?? null,
    requestId: h.get('x-request-id')?.slice(0, 64) ?? null,
  };
}

export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}
