// The signed-in user for the current request: the session cookie's session must still
// be live server-side (lib/auth/sessions.ts), and the user is read fresh from the
// database in the same query, so revocation, role changes and disabled accounts apply
// immediately. Cached per request.
import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { REQUEST_PATH_HEADER, signInPathFor } from './callback-url';
import type { Caller, SessionUser } from './caller';
import { currentRequestMeta } from './request-meta';
import { liveSession } from './sessions';
import { sessionToken } from './session-token';

/** Where a session that must set up a second factor first is sent. */
export const MFA_ENROL_PATH = '/two-factor';

type SessionState = { request: Caller['request']; user: SessionUser | null; sessionId: string | null; mfaEnrolmentRequired: boolean };

const sessionState = cache(async (): Promise<SessionState> => {
  // Reading request headers first marks the route dynamic before any configuration is read.
  const request = await currentRequestMeta();
  const token = await sessionToken();
  const live = token ? await liveSession(token.sessionId, token.userId) : null;
  if (!token || !live) return { request, user: null, sessionId: null, mfaEnrolmentRequired: false };
  return { request, user: live.user, sessionId: token.sessionId, mfaEnrolmentRequired: live.mfaEnrolmentRequired };
});

/**
 * The caller for pages and actions. A session that still has to set up a required
 * second factor counts as signed out here: it reaches nothing but the enrolment page.
 */
export const getCaller = cache(async (): Promise<Caller> => {
  const state = await sessionState();
  return { user: state.mfaEnrolmentRequired ? null : state.user, request: state.request };
});

/** The caller for the second-factor enrolment page and its actions only: any live session. */
export async function getEnrolmentCaller(): Promise<Caller> {
  const state = await sessionState();
  return { user: state.user, request: state.request };
}

/** The current session's id, to tell it apart in "your sessions" and to keep it when ending the others. */
export async function currentSessionId(): Promise<string | null> {
  return (await sessionState()).sessionId;
}

/**
 * For pages behind sign-in: the caller with a user, or a redirect to the sign-in (or
 * enrolment) page. The sign-in page is told the path and query asked for (stamped by
 * proxy.ts), so a shared link to a filtered view lands on that view after sign-in.
 */
export async function requireSignedIn(): Promise<Caller & { user: SessionUser }> {
  const state = await sessionState();
  if (state.user && state.mfaEnrolmentRequired) redirect(MFA_ENROL_PATH);
  const caller = await getCaller();
  if (!caller.user) redirect(signInPathFor((await headers()).get(REQUEST_PATH_HEADER)));
  return caller as Caller & { user: SessionUser };
}
