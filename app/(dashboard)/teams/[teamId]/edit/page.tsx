import type { Metadata } from 'next';
import { FormPage } from '@/components/forms/form-page';
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
    <FormPage
      back={{ href: `/teams/${team.id}`, label: team.name }}
      title="Edit team"
      allowed={can(caller.user.role, 'catalog.write')}
      denied={{ tone: 'info', message: 'Your role can view teams but not change them. Ask an engineer or an administrator.' }}
    >
      <TeamForm team={{ id: team.id, name: team.name, description: team.description, updatedAt: team.updatedAt }} />
    </FormPage>
  );
}
