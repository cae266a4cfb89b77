import type { Metadata } from 'next';
import { FormPage } from '@/components/forms/form-page';
import { can } from '@/lib/auth/permissions';
import { listTeamOptions } from '@/lib/data/catalog';
import { loadSystem } from '../../load';
import { SystemForm } from '../../system-form-client';

type Props = { params: Promise<{ systemId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${(await loadSystem((await params).systemId)).system.name}` };
}

export default async function EditSystemPage({ params }: Props) {
  const { caller, system } = await loadSystem((await params).systemId);
  const canWrite = can(caller.user.role, 'catalog.write');
  const teams = canWrite ? await listTeamOptions(caller) : [];
  return (
    <FormPage
      back={{ href: `/systems/${system.id}`, label: system.name }}
      title="Edit system"
      allowed={canWrite}
      denied={{ tone: 'info', message: 'Your role can view systems but not change them. Ask an engineer or an administrator.' }}
    >
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
    </FormPage>
  );
}
