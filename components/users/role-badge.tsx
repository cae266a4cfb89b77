import type { Role } from '@/generated/prisma/enums';
import { Badge, type Tone } from '@/components/ui/badge';
import { ROLE_LABELS } from '@/lib/auth/permissions';

const TONES: Record<Role, Tone> = { admin: 'violet', engineer: 'blue', auditor: 'amber', viewer: 'neutral' };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={TONES[role]}>{ROLE_LABELS[role]}</Badge>;
}
