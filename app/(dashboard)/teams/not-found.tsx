import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export default function TeamNotFound() {
  return (
    <EmptyState title="This team does not exist" action={<LinkButton href="/teams">All teams</LinkButton>}>
      <p>The link may be mistyped or out of date.</p>
    </EmptyState>
  );
}
