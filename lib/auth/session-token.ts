// Reads the signed-in user's id and session id straight from next-auth's encrypted session cookie.
// getServerSession() would build next-auth's whole request handler on every page render
// to arrive at the same decode; this does only the decode (same cookie name, same key
// derivation, same expiry check), which matters on the busiest pages.
import 'server-only';
import { decode } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { env } from '@/lib/env';

/** next-auth's cookie name: "__Secure-" prefixed when the public URL is https. */
function sessionCookieName(): string {
  const secure = env().NEXTAUTH_URL?.startsWith('https://') ?? false;
  return `${secure ? '__Secure-' : ''}next-auth.session-token`;
}

export type SessionToken = { userId: string; sessionId: string };

/** The ids in the session cookie; whether that session is still live is sessions.ts's call. */
export async function sessionToken(): Promise<SessionToken | null> {
  const name = sessionCookieName();
  const jar = await cookies();
  // next-auth splits tokens over 4 kB into name.0, name.1, ...; ours are small, but honour it.
  const chunks = jar
    .getAll()
    .filter((c) => c.name.startsWith(`${name}.`))
    .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)))
    .map((c) => c.value)
    .join('');
  const token = jar.get(name)?.value ?? (chunks || null);
  if (!token) return null;
  try {
    const payload = await decode({ token, secret: env().NEXTAUTH_SECRET });
    // Tokens from before server-side sessions carry no sid: they are refused.
    return typeof payload?.uid === 'string' && typeof payload.sid === 'string' ? { userId: payload.uid, sessionId: payload.sid } : null;
  } catch {
    return null; // expired, tampered with, or signed with another secret
  }
}
