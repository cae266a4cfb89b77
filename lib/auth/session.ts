// The signed-in user for the current request, read fresh from the database so role
// changes and disabled accounts apply immediately. Cached per request.
import 'server-only';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { db } from '@/lib/db';
import type { Caller, SessionUser } from './caller';
import { currentRequestMeta } from './request-meta';
import { sessionUserId } from './session-token';

export const getCaller = cache(async (): Promise<Caller> => {
  // Reading request headers first marks the route dynamic before any configuration is read.
  const request = await currentRequestMeta();
  const id = await sessionUserId();
  if (!id) return { user: null, request };
  const account = await db.user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, status: true },
  });
  if (!account || account.status !== 'active') return { user: null, request };
  const user: SessionUser = { id: account.id, email: account.email, name: account.name, role: account.role };
  return { user, request };
});

/** For pages behind sign-in: the caller with a user, or a redirect to the sign-in page. */
export async function requireSignedIn(): Promise<Caller & { user: SessionUser }> {
  const caller = await getCaller();
  if (!caller.user) redirect('/sign-in');
  return caller as Caller & { user: SessionUser };
}
