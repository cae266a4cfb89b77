import type { Metadata } from 'next';
import { cache } from 'react';
import { loadOrNotFound } from '@/components/catalog/or-not-found';
import { formatDateTime } from '@/components/format';
import { ConnectionForm } from '@/components/providers/connection-form';
import { ConfirmDelete } from '@/components/forms/confirm-delete';
import { FailingJobs } from '@/components/providers/failing-jobs';
import { ConnectionKindBadge } from '@/components/providers/kind-badge';
import { CONNECTION_KIND_LABELS } from '@/components/providers/labels';
import { TestConnection } from '@/components/providers/test-connection';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { RecordHeader } from '@/components/ui/record-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { getConnection } from '@/lib/data/provider-connections';
import { deleteConnectionAction, testConnectionAction, updateConnectionAction } from '../actions';

type Props = { params: Promise<{ connectionId: string }> };

// One read per request for the page and its title; null for a role that may not manage connections.
const load = cache(async (connectionId: string) => {
  const caller = await requireSignedIn();
  if (!can(caller.user.role, 'admin.providers')) return null;
  return loadOrNotFound(connectionId, (id) => getConnection(caller, id));
});

const CONNECTIONS_BACK = { href: '/settings/providers', label: 'Provider connections' };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const connection = await load((await params).connectionId);
  return { title: connection ? connection.name : 'Provider connection' };
}

export default async function ConnectionPage({ params }: Props) {
  const connection = await load((await params).connectionId);
  if (!connection) {
    return (
      <>
        <RecordHeader back={CONNECTIONS_BACK} title="Provider connection" />
        <Alert>Only administrators can manage provider connections.</Alert>
      </>
    );
  }
  return (
    <>
      <RecordHeader back={CONNECTIONS_BACK} title={connection.name}>
        {CONNECTION_KIND_LABELS[connection.kind]} <ConnectionKindBadge kind={connection.kind} />
      </RecordHeader>
      {connection.failingJobs.length > 0 && (
        <div className="mb-6">
          <FailingJobs failures={connection.failingJobs} />
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Settings" className="lg:col-span-2">
          <ConnectionForm connection={connection} action={updateConnectionAction.bind(null, connection.id)} cancelHref="/settings/providers" />
        </Card>
        <div className="space-y-6">
          <Card title="Test connection">
            <p className="mb-3 text-sm text-slate-600">
              Makes one read-only call with the dashboard&apos;s own cloud identity to check that the provider is reachable and lets it list secrets. Saved
              settings are tested, not unsaved edits.
            </p>
            <TestConnection action={testConnectionAction.bind(null, connection.id)} />
          </Card>
          <Card title="Delete">
            <ConfirmDelete
              name={connection.name}
              noun="connection"
              listHref="/settings/providers"
              explanation={
                connection.secretCount === 0
                  ? 'No secret uses this connection.'
                  : connection.secretCount === 1
                    ? '1 secret uses this connection; it can be deleted once that secret points elsewhere.'
                    : `${connection.secretCount.toLocaleString('en-US')} secrets use this connection; it can be deleted once they point elsewhere.`
              }
              action={deleteConnectionAction.bind(null, connection.id)}
            />
          </Card>
          <p className="px-1 text-xs text-slate-500">
            Created {formatDateTime(connection.createdAt)} · last changed {formatDateTime(connection.updatedAt)}
          </p>
        </div>
      </div>
    </>
  );
}
