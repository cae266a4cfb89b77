// What the add/edit pages show instead of the form when it could not be filled in:
// the role cannot edit, or there is no team or environment to choose from yet.
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

/** The explanation to show in place of the form, or null when the form can be used. */
export function missingPrerequisites({
  canWrite,
  hasTeams,
  hasEnvironments,
  backHref,
}: {
  canWrite: boolean;
  hasTeams: boolean;
  hasEnvironments: boolean;
  backHref: string;
}): React.ReactNode {
  if (!canWrite) {
    return (
      <Alert tone="info">
        Your role can read the inventory but not change it. Ask an engineer or an administrator to make this change.{' '}
        <Link href={backHref} className="font-medium underline">
          Go back
        </Link>
      </Alert>
    );
  }
  if (!hasTeams) {
    return (
      <EmptyState
        title="Create a team first"
        action={
          <LinkButton href="/teams" variant="primary">
            Go to Teams
          </LinkButton>
        }
      >
        <p>Every secret belongs to an owner team, and there are no teams yet. Create the team that owns this secret, then come back.</p>
      </EmptyState>
    );
  }
  if (!hasEnvironments) {
    return (
      <EmptyState title="No environments are defined">
        <p>Every secret lives in an environment such as production, and none exist. An administrator needs to add them.</p>
      </EmptyState>
    );
  }
  return null;
}
