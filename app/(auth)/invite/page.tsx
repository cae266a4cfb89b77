import type { Metadata } from 'next';
import { InviteForm } from './invite-client';

export const metadata: Metadata = { title: 'Accept your invite' };

// Public: the person has no account to sign in with yet. The code is typed in, never
// read from the URL, so it does not end up in browser history or proxy logs.
export default function InvitePage() {
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold text-slate-900">Set up your account</h1>
      <p className="mb-6 text-sm text-slate-600">
        Enter the email address you were invited with, the one-time invite code an administrator gave you, and the
        password you want to use.
      </p>
      <InviteForm />
    </>
  );
}
