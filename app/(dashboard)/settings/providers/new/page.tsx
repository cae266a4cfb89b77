import type { Metadata } from 'next';
import { BackLink } from '@/components/catalog/back-link';
import { ConnectionForm } from '@/components/providers/connection-form';
import { CREDENTIALS_NOTE } from '@/components/providers/labels';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { createConnectionAction } from '../actions';

export const metadata: Metadata = { title: 'New connection' };

export default async function NewConnectionPage() {
  const { user } = await requireSignedIn();
  return (
    <>
      <BackLink href="/settings/providers">Provider connections</BackLink>
      <PageHeader title="New connection" description={CREDENTIALS_NOTE} />
      {/* The form is only shown to those who may use it; createConnection checks again regardless. */}
      {can(user.role, 'admin.providers') ? (
        <Card>
          <ConnectionForm action={createConnectionAction} cancelHref="/settings/providers" />
        </Card>
      ) : (
        <Alert>Only administrators can manage provider connections.</Alert>
      )}
    </>
  );
}
