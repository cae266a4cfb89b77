import type { Metadata } from 'next';
import { cache } from 'react';
import { loadOrNotFound } from '@/components/catalog/or-not-found';
import { SinkForm } from '@/components/audit-sinks/sink-form';
import { FormPage } from '@/components/forms/form-page';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { getSink } from '@/lib/data/audit-sinks';
import { updateSinkAction } from '../../actions';

type Props = { params: Promise<{ sinkId: string }> };

// One read per request for the page and its title; null for a role that may not manage sinks.
const load = cache(async (sinkId: string) => {
  const caller = await requireSignedIn();
  if (!can(caller.user.role, 'admin.audit_sinks')) return null;
  return loadOrNotFound(sinkId, (id) => getSink(caller, id));
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const sink = await load((await params).sinkId);
  return { title: sink ? `Edit ${sink.name}` : 'Edit audit sink' };
}

export default async function EditAuditSinkPage({ params }: Props) {
  const sink = await load((await params).sinkId);
  return (
    <FormPage
      back={{ href: '/settings/audit-sinks', label: 'Audit streaming' }}
      title={sink ? `Edit ${sink.name}` : 'Edit audit sink'}
      description="The sink keeps its place in the stream: events already delivered are not sent again, and none are skipped."
      allowed={sink !== null}
      denied={{ message: 'Only administrators can manage audit sinks.' }}
    >
      {sink && <SinkForm sink={sink} action={updateSinkAction.bind(null, sink.id)} />}
    </FormPage>
  );
}
