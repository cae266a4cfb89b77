// A connection's kind as a badge, with the "Development only" warning on local connections.
import type { ConnectionKind } from '@/generated/prisma/enums';
import { Badge } from '@/components/ui/badge';
import { CONNECTION_KIND_SHORT, CONNECTION_KIND_TONES } from './labels';

export function DevelopmentOnlyBadge() {
  return (
    <Badge tone="red" className="whitespace-nowrap">
      Development only
    </Badge>
  );
}

export function ConnectionKindBadge({ kind }: { kind: ConnectionKind }) {
  return (
    <span className="inline-flex items-center gap-1">
      <Badge tone={CONNECTION_KIND_TONES[kind]}>{CONNECTION_KIND_SHORT[kind]}</Badge>
      {kind === 'local' && <DevelopmentOnlyBadge />}
    </span>
  );
}
