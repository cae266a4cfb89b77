import type { Metadata } from 'next';
import { InviteForm } from './invite-client';

export const metadata: Metadata = { title: 'Accept your invite' };

// Public: the person has no account to sign in with yet. The code is typed in, never
// read from the URL, so it does not end up in browser history or proxy logs.
export default function InvitePage() {
  return <InviteForm />;
}
