import type { Metadata } from 'next';
import { FormPage } from '@/components/forms/form-page';
import { ChannelForm } from '@/components/notifications/channel-form';
import { SIGNING_NOTE } from '@/components/notifications/labels';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { channelFormOptions } from '@/lib/data/notification-channels';
import { createChannelAction } from '../actions';

export const metadata: Metadata = { title: 'New channel' };

export default async function NewChannelPage() {
  const caller = await requireSignedIn();
  const allowed = can(caller.user.role, 'admin.notifications');
  return (
    <FormPage
      back={{ href: '/settings/notifications', label: 'Notifications' }}
      title="New channel"
      description={SIGNING_NOTE}
      allowed={allowed}
      denied={{ message: 'Only administrators can manage notification channels.' }}
    >
      {allowed && <ChannelForm options={await channelFormOptions(caller)} action={createChannelAction} cancelHref="/settings/notifications" />}
    </FormPage>
  );
}
