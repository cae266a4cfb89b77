import type { Metadata } from 'next';
import { STREAM_NOTE } from '@/components/audit-sinks/labels';
import { SinkForm } from '@/components/audit-sinks/sink-form';
import { FormPage } from '@/components/forms/form-page';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { createSinkAction } from '../actions';

export const metadata: Metadata = { title: 'Add audit sink' };

export default async function NewAuditSinkPage() {
  const { user } = await requireSignedIn();
  return (
    <FormPage
      back={{ href: '/settings/audit-sinks', label: 'Audit streaming' }}
      title="Add audit sink"
      description={STREAM_NOTE}
      allowed={can(user.role, 'admin.audit_sinks')}
      denied={{ message: 'Only administrators can manage audit sinks.' }}
    >
      <SinkForm action={createSinkAction} />
    </FormPage>
  );
}
