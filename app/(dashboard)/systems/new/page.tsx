import type { Metadata } from 'next';
import { BackLink } from '@/components/catalog/back-link';
import { Alert } from '@/components/ui/alert';
import { LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listTeamOptions } from '@/lib/data/catalog';
import { parseSystemListQuery } from '@/lib/validation/catalog';
import { SystemForm } from '../system-form-client';

export const metadata: Metadata = { title: 'New system' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function NewSystemPage({ searchParams }: Props) {
  const caller = await requireSignedIn();
  // ?owner=<team id> (from a team's page) preselects the owner.
  const { owner } = parseSystemListQuery(await searchParams);
  const header = (
    <>
      <BackLink href="/systems">Systems</BackLink>
      <PageHeader title="New system" description="A service or job that uses secrets, owned by one team." />
    </>
  );
  if (!can(caller.user.role, 'catalog.write')) {
    return (
      <>
        {header}
        <Alert tone="info">Your role can view systems but not create them. Ask an engineer or an administrator.</Alert>
      </>
    );
  }
  const teams = await listTeamOptions(caller);
  return (
    <>
      {header}
      {teams.length === 0 ? (
        <EmptyState
          title="Create a team first"
          action={
            <LinkButton href="/teams/new" variant="primary">
              New team
            </LinkButton>
          }
        >
          <p>Every system is owned by a team, and there are no teams yet.</p>
        </EmptyState>
      ) : (
        <Card>
          <SystemForm teams={teams} ownerTeamId={owner} />
        </Card>
      )}
    </>
  );
}
