import type { Metadata } from 'next';
import { CatalogEditPage } from '@/components/ui/catalog-edit-page';
import { listTeamOptions } from '@/lib/data/catalog';
import { loadSystem } from '../../load';
import { SystemForm } from '../../system-form-client';

type Props = { params: Promise<{ systemId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${(await loadSystem((await params).systemId)).system.name}` };
}

export default async function EditSystemPage({ params }: Props) {
  const { caller, system, canWrite } = await loadSystem((await params).systemId);
  const teams = canWrite ? await listTeamOptions(caller) : [];
  return (
    <CatalogEditPage noun="system" record={system} allowed={canWrite}>
      <SystemForm
        teams={teams}
        system={{
          id: system.id,
          name: system.name,
          description: system.description,
          principals: system.principals,
          ownerTeamId: system.ownerTeam.id,
          status: system.status,
          updatedAt: system.updatedAt,
        }}
      />
    </CatalogEditPage>
  );
}
