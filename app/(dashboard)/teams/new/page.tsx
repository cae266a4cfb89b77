import type { Metadata } from 'next';
import { BackLink } from '@/components/catalog/back-link';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { TeamForm } from '../team-form-client';

export const metadata: Metadata = { title: 'New team' };

export default async function NewTeamPage() {
  const { user } = await requireSignedIn();
  return (
    <>
      <BackLink href="/teams">Teams</BackLink>
      <PageHeader title="New team" description="A team owns secrets and the systems that use them." />
      {can(user.role, 'catalog.write') ? (
        <Card>
          <TeamForm />
        </Card>
      ) : (
        <Alert tone="info">Your role can view teams but not create them. Ask an engineer or an administrator.</Alert>
      )}
    </>
  );
}
