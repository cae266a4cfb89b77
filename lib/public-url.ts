// The address people use to reach the dashboard, for instructions shown on screen
// ("enter the code at <url>/invite"). NEXTAUTH_URL when set (npm start sets it), else
// the request's own host.
import 'server-only';
import { headers } from 'next/headers';
import { env } from '@/lib/env';

export async function publicBaseUrl(): Promise<string> {
  const e = env();
  if (e.NEXTAUTH_URL) return e.NEXTAUTH_URL.replace(/\/+$/, '');
  const h = await headers();
  // Forwarded headers are only believed behind a proxy we were told to trust.
  const host = (e.TRUST_PROXY > 0 && h.get('x-forwarded-host')) || h.get('host') || 'localhost';
  const proto = (e.TRUST_PROXY > 0 && h.get('x-forwarded-proto')) || 'http';
  return `${proto}://${host}`;
}
