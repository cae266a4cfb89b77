// The request facts recorded with every audit event: client IP, user agent and the
// request id that proxy.ts stamps on each request.
import 'server-only';
import { headers } from 'next/headers';
import { env } from '@/lib/env';
import type { RequestMeta } from './caller';

const MAX_LEN = 512;

export function requestMetaFrom(h: Headers): RequestMeta {
  // Next's server sets X-Forwarded-For to the socket address; a proxy in front adds
  // its own hops. Without TRUST_PROXY only the nearest hop (Next's own entry) is used.
  const forwarded = (h.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const ip = (env().TRUST_PROXY ? forwarded[0] : forwarded.at(-1)) ?? h.get('x-real-ip') ?? null;
  return {
    ip: ip?.slice(0, 64) ?? null,
    userAgent: h.get('user-agent')?.slice(0, MAX_LEN) ?? null,
    requestId: h.get('x-request-id')?.slice(0, 64) ?? null,
  };
}

export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}
