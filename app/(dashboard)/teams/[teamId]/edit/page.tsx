import type { Metadata } from 'next';
import { CatalogEditPage } from '@/components/ui/catalog-edit-page';
import { loadTeam } from '../../load';
import { TeamForm } from '../../team-form-client';

type Props = { params: Promise<{ teamId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${(await loadTeam((await params).teamId)).team.name}` };
}

export default async function EditTeamPage({ params }: Props) {
  const { team, canWrite } = await loadTeam((await params).teamId);
  return (
    <CatalogEditPage noun="team" record={team} allowed={canWrite}>
      <TeamForm team={{ id: team.id, name: team.name, description: team.description, updatedAt: team.updatedAt }} />
    </CatalogEditPage>
  );
}
