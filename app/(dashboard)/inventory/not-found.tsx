import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

// Every secret page (details, edit, rotation, Secrets Management, access) calls
// notFound() for an id that matches no secret; they all land here.
export default function SecretNotFound() {
  return (
    <EmptyState title="This secret does not exist" action={<LinkButton href="/inventory">All secrets</LinkButton>}>
      <p>The link may be mistyped or out of date. Search the inventory for the secret by name.</p>
    </EmptyState>
  );
}
