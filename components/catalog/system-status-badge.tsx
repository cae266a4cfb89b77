import { Badge } from '@/components/ui/badge';

export const SYSTEM_STATUS_LABELS = { active: 'Active', decommissioned: 'Decommissioned' } as const;

export function SystemStatusBadge({ status }: { status: keyof typeof SYSTEM_STATUS_LABELS }) {
  return <Badge tone={status === 'active' ? 'green' : 'neutral'}>{SYSTEM_STATUS_LABELS[status]}</Badge>;
}
