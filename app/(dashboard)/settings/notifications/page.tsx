import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDateTime } from '@/components/format';
import { DeliveryStatusBadge } from '@/components/notifications/delivery-status-badge';
import { CHANNEL_KIND_LABELS, SIGNING_NOTE } from '@/components/notifications/labels';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listChannels } from '@/lib/data/notification-channels';
import { NOTIFICATION_EVENTS } from '@/lib/notifications/events';

export const metadata: Metadata = { title: 'Notifications' };

export default async function NotificationsPage() {
  const caller = await requireSignedIn();
  const header = (actions?: React.ReactNode) => (
    <PageHeader
      title="Notifications"
      description="Webhooks that hear about due and overdue secrets, rotations and compromised secrets."
      actions={actions}
    />
  );
  if (!can(caller.user.role, 'admin.notifications')) {
    return (
      <>
        {header()}
        <Alert>Only administrators can manage notification channels.</Alert>
      </>
    );
  }
  const channels = await listChannels(caller);
  const newButton = (
    <LinkButton href="/settings/notifications/new" variant="primary">
      New channel
    </LinkButton>
  );
  return (
    <>
      {header(newButton)}
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{SIGNING_NOTE}</p>
      {channels.length === 0 ? (
        <EmptyState title="No channels yet" action={newButton}>
          <p>Add a Slack incoming webhook or any HTTPS endpoint that accepts JSON, and choose which events it receives.</p>
        </EmptyState>
      ) : (
        <Table caption="Notification channels">
          <thead>
            <tr>
              <Th>Channel</Th>
              <Th>Format</Th>
              <Th>Events</Th>
              <Th>Last delivery</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {channels.map((c) => (
              <Tr key={c.id}>
                <Td>
                  <Link href={`/settings/notifications/${c.id}`} className="font-medium text-accent-700 hover:underline">
                    {c.name}
                  </Link>
                  {!c.enabled && (
                    <Badge className="ml-2" tone="neutral">
                      Disabled
                    </Badge>
                  )}
                  <span className="block break-all font-mono text-xs text-slate-500">{c.maskedUrl}</span>
                </Td>
                <Td className="whitespace-nowrap">{CHANNEL_KIND_LABELS[c.kind]}</Td>
                <Td className="text-slate-700">
                  {c.events.length === NOTIFICATION_EVENTS.length ? 'All events' : `${c.events.length} of ${NOTIFICATION_EVENTS.length}`}
                </Td>
                <Td>
                  {c.lastDelivery ? (
                    <span className="flex flex-wrap items-center gap-2">
                      <DeliveryStatusBadge status={c.lastDelivery.status} />
                      <span className="text-xs text-slate-500">
                        {formatDateTime(c.lastDelivery.createdAt)}
                        {c.lastDelivery.lastStatusCode !== null && ` · HTTP ${c.lastDelivery.lastStatusCode}`}
                      </span>
                    </span>
                  ) : (
                    <span className="text-sm text-slate-500">None yet</span>
                  )}
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
