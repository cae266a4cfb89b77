import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDateTime } from '@/components/format';
import { ConnectionKindBadge } from '@/components/providers/kind-badge';
import { CREDENTIALS_NOTE } from '@/components/providers/labels';
import { Alert } from '@/components/ui/alert';
import { LinkButton } from '@/components/ui/button';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { latestScans, type LatestScan } from '@/lib/data/discovery-scans';
import { failingJobCounts, listConnections, type ConnectionListItem } from '@/lib/data/provider-connections';

export const metadata: Metadata = { title: 'Provider connections' };

/** Where a connection points, in one line. */
function Target({ c }: { c: ConnectionListItem }) {
  const parts =
    c.kind === 'aws'
      ? [c.region, c.roleArn && `assumes ${c.roleArn}`]
      : c.kind === 'gcp'
        ? [c.projectId, c.location ?? 'global']
        : ['values kept on this server'];
  return (
    <span className="text-slate-700">
      <span className="font-mono text-[13px]">{parts.filter(Boolean).join(' · ')}</span>
      {c.endpoint && <span className="block break-all text-xs text-slate-500">via {c.endpoint}</span>}
    </span>
  );
}

/** The newest discovery scan: how it went and, once completed, what it found. */
function LastScan({ scan }: { scan: LatestScan | undefined }) {
  if (!scan) return <span className="text-slate-500">Never</span>;
  const outcome =
    scan.status === 'running'
      ? 'Running'
      : scan.status === 'failed'
        ? 'Failed'
        : `${(scan.unmanaged ?? 0).toLocaleString('en-US')} unmanaged${scan.newUnmanaged ? `, ${scan.newUnmanaged.toLocaleString('en-US')} new` : ''}`;
  return (
    <span className={scan.status === 'failed' ? 'text-red-700' : 'text-slate-700'}>
      {outcome}
      <span className="block text-xs text-slate-500">{formatDateTime(scan.startedAt)}</span>
    </span>
  );
}

function connectionColumns(failing: Map<string, number>, scans: Map<string, LatestScan>): Column<ConnectionListItem>[] {
  return [
    {
      header: 'Connection',
      cell: (c) => (
        <>
          <Link href={`/settings/providers/${c.id}`} className="font-medium text-accent-700 hover:underline">
            {c.name}
          </Link>
          {failing.has(c.id) && (
            <span className="block text-xs text-red-700">
              {failing.get(c.id) === 1 ? 'A background job is failing' : `${failing.get(c.id)} background jobs are failing`}: see the connection
            </span>
          )}
        </>
      ),
    },
    { header: 'Kind', className: 'whitespace-nowrap', cell: (c) => <ConnectionKindBadge kind={c.kind} /> },
    { header: 'Points at', cell: (c) => <Target c={c} /> },
    { header: 'Secrets', numeric: true, cell: (c) => c.secretCount.toLocaleString('en-US') },
    { header: 'Last scan', cell: (c) => (c.kind === 'local' ? <span className="text-slate-500">Not scanned</span> : <LastScan scan={scans.get(c.id)} />) },
  ];
}

export default async function ProvidersPage() {
  const caller = await requireSignedIn();
  const header = (actions?: React.ReactNode) => (
    <PageHeader title="Provider connections" description="Where the dashboard reaches the secret managers that hold values." actions={actions} />
  );
  // Every role may list connections (the secret form offers them); this page is for
  // the administrators who manage them.
  if (!can(caller.user.role, 'admin.providers')) {
    return (
      <>
        {header()}
        <Alert>Only administrators can manage provider connections. Ask an administrator if one is missing.</Alert>
      </>
    );
  }
  const [connections, failing, scans] = await Promise.all([listConnections(caller), failingJobCounts(caller), latestScans(caller)]);
  const newButton = (
    <LinkButton href="/settings/providers/new" variant="primary">
      New connection
    </LinkButton>
  );

  return (
    <>
      {header(newButton)}
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{CREDENTIALS_NOTE}</p>
      <DataTable
        caption="Provider connections"
        items={connections}
        itemKey={(c) => c.id}
        columns={connectionColumns(failing, scans)}
        empty={
          <EmptyState title="No connections yet" action={newButton}>
            <p>
              Add a connection for each AWS account and region or GCP project whose secret manager holds your values. Secrets in the inventory then point at a
              connection.
            </p>
          </EmptyState>
        }
      />
    </>
  );
}
