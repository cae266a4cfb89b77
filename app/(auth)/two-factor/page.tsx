import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { getEnrolmentCaller } from '@/lib/auth/session';
import { beginTotpEnrolment } from '@/lib/data/account';
import { mfaRequirement } from '@/lib/data/user-security';
import { InputError } from '@/lib/errors';
import { ConfirmTotpForm, SignOutLink } from './two-factor-client';

export const metadata: Metadata = { title: 'Two-factor authentication' };

export default async function TwoFactorPage() {
  const caller = await getEnrolmentCaller();
  if (!caller.user) redirect('/sign-in?callbackUrl=/two-factor');
  let enrolment;
  try {
    enrolment = await beginTotpEnrolment(caller);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return (
      <>
        <h1 className="mb-4 text-xl font-semibold text-slate-900">Two-factor authentication</h1>
        <Alert tone="info">{error.message}</Alert>
      </>
    );
  }
  if (!enrolment) {
    return (
      <>
        <h1 className="mb-4 text-xl font-semibold text-slate-900">Two-factor authentication</h1>
        <Alert tone="success">Two-factor authentication is on for your account.</Alert>
        <p className="mt-6 text-sm">
          <Link className="font-medium text-accent-700 underline" href="/account">
            Back to account security
          </Link>
        </p>
      </>
    );
  }
  const requirement = await mfaRequirement();
  const required = requirement === 'everyone' || (requirement === 'admins' && caller.user.role === 'admin');
  const qr = `data:image/svg+xml;base64,${Buffer.from(enrolment.qrSvg).toString('base64')}`;
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold text-slate-900">Set up two-factor authentication</h1>
      <p className="mb-6 text-sm text-slate-600">
        {required
          ? 'Your administrators require a second factor before you can continue.'
          : 'After your password, signing in will also ask for a code from your phone.'}
      </p>
      <ol className="space-y-6 text-sm text-slate-800">
        <li>
          <p className="mb-3 font-medium">1. Scan this QR code with an authenticator app</p>
          {/* eslint-disable-next-line @next/next/no-img-element -- a data URL drawn on the server */}
          <img
            src={qr}
            alt="QR code to add this account to an authenticator app"
            width={192}
            height={192}
            className="mx-auto rounded-md ring-1 ring-slate-200"
          />
          <p className="mt-3 text-slate-600">Or type this key into the app:</p>
          <p
            className="mt-1 rounded-md bg-slate-50 px-3 py-2 text-center font-mono text-sm tracking-wide whitespace-nowrap text-slate-900 ring-1 ring-inset ring-slate-200"
            data-testid="totp-secret"
          >
            {enrolment.secret.match(/.{1,4}/g)!.join(' ')}
          </p>
        </li>
        <li>
          <p className="mb-3 font-medium">2. Enter the 6-digit code the app shows</p>
          <ConfirmTotpForm />
        </li>
      </ol>
      <p className="mt-6 text-center text-sm text-slate-600">
        {required ? (
          <SignOutLink />
        ) : (
          <Link className="font-medium text-accent-700 underline" href="/account">
            Not now
          </Link>
        )}
      </p>
    </>
  );
}
