import type { Metadata } from 'next';
import { FormPage } from '@/components/forms/form-page';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { TeamForm } from '../team-form-client';

export const metadata: Metadata = { title: 'New team' };

export default async function NewTeamPage() {
  const { user } = await requireSignedIn();
  return (
    <FormPage
      back={{ href: '/teams', label: 'Teams' }}
      title="New team"
      description="A team owns secrets and the systems that use them."
      allowed={can(user.role, 'catalog.write')}
      denied={{ tone: 'info', message: 'Your role can view teams but not create them. Ask an engineer or an administrator.' }}
    >
      <TeamForm />
    </FormPage>
  );
}
