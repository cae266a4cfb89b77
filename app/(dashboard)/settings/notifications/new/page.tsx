import type { Metadata } from 'next';
import { BackLink } from '@/components/catalog/back-link';
import { ChannelForm } from '@/components/notifications/channel-form';
import { SIGNING_NOTE } from '@/components/notifications/labels';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { createChannelAction } from '../actions';

export const metadata: Metadata = { title: 'New channel' };

export default async function NewChannelPage() {
  const { user } = await requireSignedIn();
  return (
    <>
      <BackLink href="/settings/notifications">Notifications</BackLink>
      <PageHeader title="New channel" description={SIGNING_NOTE} />
      {/* The form is only shown to those who may use it; createChannel checks again regardless. */}
      {can(user.role, 'admin.notifications') ? (
        <Card>
          <ChannelForm action={createChannelAction} cancelHref="/settings/notifications" />
        </Card>
      ) : (
        <Alert>Only administrators can manage notification channels.</Alert>
      )}
    </>
  );
}
