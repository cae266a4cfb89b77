import type { DeliveryStatus } from '@/generated/prisma/enums';
import { Badge } from '@/components/ui/badge';
import { DELIVERY_STATUS } from './labels';

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const { label, tone } = DELIVERY_STATUS[status];
  return <Badge tone={tone}>{label}</Badge>;
}
