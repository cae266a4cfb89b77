import type { Metadata } from 'next';
import { BackLink } from '@/components/catalog/back-link';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { loadTeam } from '../../load';
import { TeamForm } from '../../team-form-client';

type Props = { params: Promise<{ teamId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${(await loadTeam((await params).teamId)).team.name}` };
}

export default async function EditTeamPage({ params }: Props) {
  const { caller, team } = await loadTeam((await params).teamId);
  return (
    <>
      <BackLink href={`/teams/${team.id}`}>{team.name}</BackLink>
      <PageHeader title="Edit team" />
      {can(caller.user.role, 'catalog.write') ? (
        <Card>
          <TeamForm team={{ id: team.id, name: team.name, description: team.description, updatedAt: team.updatedAt }} />
        </Card>
      ) : (
        <Alert tone="info">Your role can view teams but not change them. Ask an engineer or an administrator.</Alert>
      )}
    </>
  );
}
