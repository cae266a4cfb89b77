import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { oidcEnabled } from '@/lib/env';
import { publicBaseUrl } from '@/lib/public-url';
import { NewUserForm } from './new-user-client';

export const metadata: Metadata = { title: 'Invite user' };

export default async function NewUserPage() {
  const { user } = await requireSignedIn();
  const header = (
    <PageHeader
      title="Invite a user"
      description={
        <>
          <Link href="/settings/users" className="font-medium text-accent-700 underline">
            Users
          </Link>{' '}
          / Invite
        </>
      }
    />
  );
  // The form is only shown to those who may use it; createUser checks again regardless.
  if (!can(user.role, 'admin.users')) {
    return (
      <>
        {header}
        <Alert>Only administrators can invite users.</Alert>
      </>
    );
  }
  return (
    <>
      {header}
      <div className="max-w-xl rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <NewUserForm inviteUrl={`${await publicBaseUrl()}/invite`} ssoConfigured={oidcEnabled()} />
      </div>
    </>
  );
}
