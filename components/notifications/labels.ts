// Words and badge tones for notification channels and deliveries, shared by the pages.
import type { ChannelKind, DeliveryStatus } from '@/generated/prisma/enums';
import type { Tone } from '@/components/ui/badge';
import { CLASSIFICATION_LABELS } from '@/components/inventory/labels';
import type { RouteSummary } from '@/lib/data/notification-channels';

export const CHANNEL_KIND_LABELS: Record<ChannelKind, string> = {
  webhook: 'Generic JSON webhook',
  slack: 'Slack incoming webhook',
  email: 'Email',
};

export const DELIVERY_STATUS: Record<DeliveryStatus, { label: string; tone: Tone }> = {
  pending: { label: 'Pending', tone: 'amber' },
  delivered: { label: 'Delivered', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
};

export const SIGNING_NOTE =
  'Every webhook post carries an X-Secret-Inventory-Signature header (HMAC-SHA256 with this channel’s key), so the receiver can check it came from this dashboard. Payloads describe secrets and rotations; they never contain a secret value.';

/** A channel's routing in one line: "All secrets", or each list it narrows by. */
export function routeSummary(route: RouteSummary): string {
  const parts = [
    route.teams.length ? `Teams: ${route.teams.join(', ')}` : null,
    route.environments.length ? `Environments: ${route.environments.join(', ')}` : null,
    route.classifications.length ? `Classifications: ${route.classifications.map((c) => CLASSIFICATION_LABELS[c]).join(', ')}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'All secrets';
}
