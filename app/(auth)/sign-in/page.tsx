import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { sameOriginPath } from '@/lib/auth/callback-url';
import { getCaller } from '@/lib/auth/session';
import { isSetupOpen } from '@/lib/data/setup';
import { env, oidcEnabled } from '@/lib/env';
import { publicBaseUrl } from '@/lib/public-url';
import { SignInForm } from './sign-in-client';

export const metadata: Metadata = { title: 'Sign in' };

const ERRORS: Record<string, string> = {
  AccessDenied: 'Your single sign-on account is not allowed in here. Ask an administrator to check your groups.',
  SsoLinkRefused: 'An account with your email already exists, and single sign-on cannot take it over on its own. Ask an administrator to link it.',
  TooManyAttempts: 'Too many failed attempts. Wait 15 minutes, then try again.',
  SessionRequired: 'Sign in to continue.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const [caller, setupOpen] = await Promise.all([getCaller(), isSetupOpen()]);
  const next = sameOriginPath(params.callbackUrl, await publicBaseUrl()) ?? '/inventory';
  if (caller.user) redirect(next);
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold text-slate-900">Sign in</h1>
      <p className="mb-6 text-sm text-slate-600">Use your work account.</p>
      {setupOpen && (
        <p className="mb-6 rounded-md bg-accent-50 px-4 py-3 text-sm text-accent-800">
          No administrator exists yet.{' '}
          <Link className="font-medium underline" href="/setup">
            Run first-time setup
          </Link>
          .
        </p>
      )}
      <SignInForm
        next={next}
        initialError={params.error ? (ERRORS[params.error] ?? 'Sign-in failed. Try again.') : undefined}
        oidc={oidcEnabled() ? { name: env().OIDC_DISPLAY_NAME } : null}
      />
      <p className="mt-6 text-center text-sm text-slate-600">
        Have an invite code?{' '}
        <Link className="font-medium text-accent-700 underline" href="/invite">
          Set up your account
        </Link>
      </p>
    </>
  );
}
