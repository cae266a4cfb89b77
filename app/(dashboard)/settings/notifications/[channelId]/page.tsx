import type { Metadata } from 'next';
import { cache } from 'react';
import { ListPager } from '@/components/catalog/list-pager';
import { loadOrNotFound } from '@/components/catalog/or-not-found';
import { formatDateTime } from '@/components/format';
import { ChannelForm } from '@/components/notifications/channel-form';
import { ConfirmDelete } from '@/components/forms/confirm-delete';
import { DeliveryStatusBadge } from '@/components/notifications/delivery-status-badge';
import { CHANNEL_KIND_LABELS } from '@/components/notifications/labels';
import { SendTestEvent } from '@/components/notifications/send-test-event';
import { SigningKey } from '@/components/notifications/signing-key';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { RecordHeader } from '@/components/ui/record-header';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { channelFormOptions, getChannel, listDeliveries } from '@/lib/data/notification-channels';
import { EVENT_LABELS, type PayloadEventName } from '@/lib/notifications/events';
import { deleteChannelAction, sendTestEventAction, updateChannelAction } from '../actions';

type Props = {
  params: Promise<{ channelId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

// One read per request for the page and its title; null for a role that may not manage channels.
const load = cache(async (channelId: string) => {
  const caller = await requireSignedIn();
  if (!can(caller.user.role, 'admin.notifications')) return null;
  return { caller, channel: await loadOrNotFound(channelId, (id) => getChannel(caller, id)) };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const loaded = await load((await params).channelId);
  return { title: loaded ? loaded.channel.name : 'Notification channel' };
}

const CHANNELS_BACK = { href: '/settings/notifications', label: 'Notifications' };

const eventLabel = (event: string) => EVENT_LABELS[event as PayloadEventName] ?? event;

export default async function ChannelPage({ params, searchParams }: Props) {
  const loaded = await load((await params).channelId);
  if (!loaded) {
    return (
      <>
        <RecordHeader back={CHANNELS_BACK} title="Notification channel" />
        <Alert>Only administrators can manage notification channels.</Alert>
      </>
    );
  }
  const { caller, channel } = loaded;
  const after = (await searchParams).after;
  const [deliveries, options] = await Promise.all([
    listDeliveries(caller, channel.id, { after: typeof after === 'string' ? after : undefined }),
    channelFormOptions(caller),
  ]);
  const base = `/settings/notifications/${channel.id}`;

  return (
    <>
      <RecordHeader back={CHANNELS_BACK} title={channel.name}>
        {CHANNEL_KIND_LABELS[channel.kind]}
        {!channel.enabled && <Badge>Disabled</Badge>}
      </RecordHeader>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Settings" className="lg:col-span-2">
          <ChannelForm
            channel={{
              id: channel.id,
              name: channel.name,
              kind: channel.kind,
              url: channel.url,
              recipients: channel.recipients,
              events: channel.events,
              teamIds: channel.teamIds,
              environmentIds: channel.environmentIds,
              classifications: channel.classifications,
              dueDigest: channel.dueDigest,
              enabled: channel.enabled,
              updatedAt: channel.updatedAt,
            }}
            options={options}
            action={updateChannelAction.bind(null, channel.id)}
            cancelHref="/settings/notifications"
          />
        </Card>
        <div className="space-y-6">
          <Card title="Send test event">
            <p className="mb-3 text-sm text-slate-600">
              {channel.kind === 'email'
                ? 'Emails an example event (about a made-up secret) to the saved recipients now, enabled or not, and records it below.'
                : 'Posts an example event (about a made-up secret) to the saved URL now, enabled or not, and records it below.'}
            </p>
            <SendTestEvent action={sendTestEventAction.bind(null, channel.id)} />
          </Card>
          <Card title="Delete">
            <ConfirmDelete
              name={channel.name}
              noun="channel"
              listHref="/settings/notifications"
              explanation="Deleting a channel also deletes its delivery history. To pause it, untick Enabled instead."
              action={deleteChannelAction.bind(null, channel.id)}
            />
          </Card>
          <p className="px-1 text-xs text-slate-500">
            Created {formatDateTime(channel.createdAt)} · last changed {formatDateTime(channel.updatedAt)}
          </p>
        </div>
        {channel.kind !== 'email' && (
          <Card title="Signing key" className="lg:col-span-3">
            <SigningKey signingKey={channel.signingKey} />
          </Card>
        )}
      </div>

      <h2 className="mb-3 mt-8 text-lg font-semibold text-slate-900">Delivery history</h2>
      {deliveries.items.length === 0 ? (
        <EmptyState title="Nothing sent yet">
          <p>Events this channel receives appear here with each attempt’s outcome. Send a test event to try it.</p>
        </EmptyState>
      ) : (
        <>
          <Table caption="Delivery history">
            <TableHead headings={['Event', 'Secret', 'Status', { label: 'Attempts', className: 'text-right' }, 'Last answer', 'Recorded']} />
            <tbody className="divide-y divide-slate-100">
              {deliveries.items.map((d) => (
                <Tr key={d.id}>
                  <Td className="whitespace-nowrap">
                    {eventLabel(d.event)}
                    {d.test && (
                      <Badge className="ml-2" tone="violet">
                        Test
                      </Badge>
                    )}
                  </Td>
                  <Td>
                    {d.secretName ?? '—'}
                    {d.environment && <span className="block text-xs text-slate-500">{d.environment}</span>}
                  </Td>
                  <Td>
                    <DeliveryStatusBadge status={d.status} />
                  </Td>
                  <Td className="text-right tabular-nums">{d.attempts}</Td>
                  <Td className="max-w-sm text-sm">
                    {d.lastStatusCode !== null && <span className="font-mono text-[13px]">HTTP {d.lastStatusCode}</span>}
                    {d.lastError && <span className="block break-words text-xs text-red-800">{d.lastError}</span>}
                    {d.lastStatusCode === null && !d.lastError && <span className="text-slate-500">—</span>}
                  </Td>
                  <Td className="whitespace-nowrap text-sm text-slate-600">
                    {formatDateTime(d.createdAt)}
                    {d.deliveredAt && <span className="block text-xs text-slate-500">delivered {formatDateTime(d.deliveredAt)}</span>}
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
          <ListPager
            shown={deliveries.items.length}
            total={deliveries.total}
            noun={['delivery', 'deliveries']}
            firstHref={after ? base : undefined}
            nextHref={deliveries.nextCursor ? `${base}?after=${encodeURIComponent(deliveries.nextCursor)}` : undefined}
          />
        </>
      )}
    </>
  );
}
