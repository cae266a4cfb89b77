import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDateTime } from '@/components/format';
import { DeliveryStatusBadge } from '@/components/notifications/delivery-status-badge';
import { CHANNEL_KIND_LABELS, routeSummary, SIGNING_NOTE } from '@/components/notifications/labels';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { type ChannelListItem, listChannels } from '@/lib/data/notification-channels';
import { NOTIFICATION_EVENTS } from '@/lib/notifications/events';

export const metadata: Metadata = { title: 'Notifications' };

const COLUMNS: Column<ChannelListItem>[] = [
  {
    header: 'Channel',
    cell: (c) => (
      <>
        <Link href={`/settings/notifications/${c.id}`} className="font-medium text-accent-700 hover:underline">
          {c.name}
        </Link>
        {!c.enabled && (
          <Badge className="ml-2" tone="neutral">
            Disabled
          </Badge>
        )}
        <span className="block break-all font-mono text-xs text-slate-500">{c.kind === 'email' ? c.recipients.join(', ') : c.maskedUrl}</span>
      </>
    ),
  },
  { header: 'Format', className: 'whitespace-nowrap', cell: (c) => CHANNEL_KIND_LABELS[c.kind] },
  {
    header: 'Events',
    className: 'text-slate-700',
    cell: (c) => (
      <>
        {c.events.length === NOTIFICATION_EVENTS.length ? 'All events' : `${c.events.length} of ${NOTIFICATION_EVENTS.length}`}
        {c.dueDigest && <span className="block text-xs text-slate-500">Due and overdue: daily digest</span>}
      </>
    ),
  },
  { header: 'Route', className: 'text-sm text-slate-700', cell: (c) => routeSummary(c.route) },
  {
    header: 'Last delivery',
    cell: (c) =>
      c.lastDelivery ? (
        <span className="flex flex-wrap items-center gap-2">
          <DeliveryStatusBadge status={c.lastDelivery.status} />
          <span className="text-xs text-slate-500">
            {formatDateTime(c.lastDelivery.createdAt)}
            {c.lastDelivery.lastStatusCode !== null && ` · HTTP ${c.lastDelivery.lastStatusCode}`}
          </span>
        </span>
      ) : (
        <span className="text-sm text-slate-500">None yet</span>
      ),
  },
];

export default async function NotificationsPage() {
  const caller = await requireSignedIn();
  const header = (actions?: React.ReactNode) => (
    <PageHeader
      title="Notifications"
      description="Webhooks and email that hear about due and overdue secrets, rotations and compromised secrets, routed by team, environment and classification."
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
      <DataTable
        caption="Notification channels"
        items={channels}
        itemKey={(c) => c.id}
        columns={COLUMNS}
        empty={
          <EmptyState title="No channels yet" action={newButton}>
            <p>Add a Slack incoming webhook, any HTTPS endpoint that accepts JSON, or a list of email recipients, and choose which events it receives.</p>
          </EmptyState>
        }
      />
    </>
  );
}
