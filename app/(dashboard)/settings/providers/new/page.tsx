import type { Metadata } from 'next';
import { FormPage } from '@/components/forms/form-page';
import { ConnectionForm } from '@/components/providers/connection-form';
import { CREDENTIALS_NOTE } from '@/components/providers/labels';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { createConnectionAction } from '../actions';

export const metadata: Metadata = { title: 'New connection' };

export default async function NewConnectionPage() {
  const { user } = await requireSignedIn();
  return (
    <FormPage
      back={{ href: '/settings/providers', label: 'Provider connections' }}
      title="New connection"
      description={CREDENTIALS_NOTE}
      allowed={can(user.role, 'admin.providers')}
      denied={{ message: 'Only administrators can manage provider connections.' }}
    >
      <ConnectionForm action={createConnectionAction} cancelHref="/settings/providers" />
    </FormPage>
  );
}
