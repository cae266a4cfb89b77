// next-auth configuration: local accounts (Credentials) and optional OIDC single
// sign-on. The session token carries only the user id and a server-side session id;
// the session's row, role and status are read from the database on every request
// (lib/auth/session.ts), so revocation, a role change or a disabled account take effect at once.
import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { recordAudit } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { env, oidcEnabled } from '@/lib/env';
import { nextAuthRedirect } from './callback-url';
import { callerFor } from './caller';
import { signInWithPassword } from './local-sign-in';
import { signInWithOidc } from './oidc';
import { currentRequestMeta } from './request-meta';
import { groupsFromClaim } from './role-mapping';
import { endSession, liveSession, startSession } from './sessions';

export const OIDC_PROVIDER_ID = 'oidc';
/** Error code the sign-in page turns into "too many attempts". */
export const THROTTLED_ERROR = 'TooManyAttempts';
/** The password was right; the account has a second factor: ask for its code. */
export const MFA_REQUIRED_ERROR = 'MfaRequired';
export const MFA_INVALID_ERROR = 'MfaInvalid';

/** Sign-in page error for an SSO identity refused because it may not take over an existing account. */
export const SSO_LINK_REFUSED_ERROR = 'SsoLinkRefused';
const LINK_REFUSALS = new Set(['email_not_verified', 'admin_link_refused', 'email_linked_to_other_identity']);

type OidcProfile = {
  sub: string;
  email?: string;
  email_verified?: unknown;
  name?: string;
  preferred_username?: string;
} & Record<string, unknown>;

function oidcProvider(): OAuthConfig<OidcProfile> {
  const e = env();
  return {
    id: OIDC_PROVIDER_ID,
    name: e.OIDC_DISPLAY_NAME,
    type: 'oauth',
    wellKnown: `${e.OIDC_ISSUER!.replace(/\/$/, '')}/.well-known/openid-configuration`,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: e.OIDC_SCOPES } },
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    profile: (profile) => ({ id: profile.sub, email: profile.email ?? null, name: profile.name ?? null }),
  };
}

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const e = env();
  const maxAge = e.SESSION_MAX_AGE_MINUTES * 60;
  cached = {
    secret: e.NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge, updateAge: Math.min(maxAge, 15 * 60) },
    jwt: { maxAge },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: { email: { type: 'email' }, password: { type: 'password' }, code: { type: 'text' } },
        async authorize(credentials) {
          const caller = callerFor(null, await currentRequestMeta());
          const result = await signInWithPassword(caller, credentials);
          if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name };
          if (result.reason === 'throttled') throw new Error(THROTTLED_ERROR);
          if (result.reason === 'mfa_required') throw new Error(MFA_REQUIRED_ERROR);
          if (result.reason === 'mfa_invalid') throw new Error(MFA_INVALID_ERROR);
          return null;
        },
      }),
      ...(oidcEnabled() ? [oidcProvider()] : []),
    ],
    callbacks: {
      // The sign-in page's rule (callback-url.ts): only targets that stay on this origin.
      redirect: nextAuthRedirect,
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        const p = profile as OidcProfile;
        const caller = callerFor(null, await currentRequestMeta());
        const result = await signInWithOidc(caller, {
          subject: p.sub,
          email: p.email ?? null,
          // Boolean per the spec; some providers (Amazon Cognito) send the string "true".
          emailVerified: p.email_verified === true || p.email_verified === 'true',
          name: p.name ?? p.preferred_username ?? null,
          groups: groupsFromClaim(p[e.OIDC_GROUPS_CLAIM]),
        });
        if (!result.ok) return `/sign-in?error=${LINK_REFUSALS.has(result.reason) ? SSO_LINK_REFUSED_ERROR : 'AccessDenied'}`;
        user.id = result.user.id; // carried into the jwt callback below
        return true;
      },
      async jwt({ token, user, account }) {
        if (user?.id) {
          // A sign-in that just succeeded: open its server-side session.
          const caller = callerFor(null, await currentRequestMeta());
          token.uid = user.id;
          token.sid = await startSession(caller, user.id, account?.provider === OIDC_PROVIDER_ID ? 'oidc' : 'password');
          return token;
        }
        // Any later read (/api/auth/session): a session ended server-side is not renewed;
        // throwing makes next-auth clear the cookie.
        if (!token.uid || !token.sid || !(await liveSession(token.sid, token.uid))) throw new Error('SessionEnded');
        return token;
      },
      async session({ session, token }) {
        return { expires: session.expires, user: { id: token.uid ?? '' } };
      },
    },
    events: {
      async signOut({ token }) {
        if (!token?.uid) return;
        const user = await db.user.findUnique({ where: { id: token.uid }, select: { id: true, email: true, role: true } });
        const caller = callerFor(null, await currentRequestMeta());
        if (token.sid) await endSession(caller, token.sid, 'sign_out');
        await recordAudit(db, caller, {
          action: 'auth.sign_out',
          targetType: 'user',
          targetId: token.uid,
          actor: user ?? { id: token.uid },
        });
      },
    },
  };
  return cached;
}
