import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

// An incident link whose secret or incident id matches nothing (the secret pages have theirs one level up).
export default function IncidentNotFound() {
  return (
    <EmptyState title="This incident does not exist" action={<LinkButton href="/inventory">All secrets</LinkButton>}>
      <p>The link may be mistyped or out of date. A secret&apos;s incidents are listed on its Rotation tab.</p>
    </EmptyState>
  );
}
