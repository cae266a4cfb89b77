import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export default function SystemNotFound() {
  return (
    <EmptyState title="This system does not exist" action={<LinkButton href="/systems">All systems</LinkButton>}>
      <p>The link may be mistyped or out of date.</p>
    </EmptyState>
  );
}
