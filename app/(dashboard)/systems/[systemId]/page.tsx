import type { Metadata } from 'next';
import Link from 'next/link';
import { SystemStatusBadge } from '@/components/catalog/system-status-badge';
import { formatDateTime } from '@/components/format';
import { LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { RecordHeader } from '@/components/ui/record-header';
import { can } from '@/lib/auth/permissions';
import { loadSystem } from '../load';
import { SystemStatusControl } from './status-client';

type Props = { params: Promise<{ systemId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await loadSystem((await params).systemId)).system.name };
}

export default async function SystemPage({ params }: Props) {
  const { caller, system } = await loadSystem((await params).systemId);
  const canWrite = can(caller.user.role, 'catalog.write');

  return (
    <>
      <RecordHeader
        back={{ href: '/systems', label: 'Systems' }}
        title={system.name}
        actions={canWrite && <LinkButton href={`/systems/${system.id}/edit`}>Edit system</LinkButton>}
      >
        System <SystemStatusBadge status={system.status} />
      </RecordHeader>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card title="About">
            {system.description ? (
              <p className="whitespace-pre-line text-sm text-slate-800">{system.description}</p>
            ) : (
              <p className="text-sm text-slate-500">No description yet.</p>
            )}
            {system.principals.length > 0 && (
              <div className="mt-4">
                <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Cloud principals</h3>
                <ul className="mt-1 space-y-0.5">
                  {system.principals.map((p) => (
                    <li key={p}>
                      <code className="break-all font-mono text-[13px] text-slate-800">{p}</code>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </Card>
          {canWrite && (
            <Card title={system.status === 'active' ? 'Decommission' : 'Reactivate'}>
              <SystemStatusControl systemId={system.id} status={system.status} />
            </Card>
          )}
        </div>

        <Card title="Details">
          <div className="space-y-4 text-sm">
            <dl className="space-y-4">
              <div>
                <dt className="text-slate-600">Owner team</dt>
                <dd className="mt-0.5">
                  <Link href={`/teams/${system.ownerTeam.id}`} className="font-medium text-accent-700 hover:underline">
                    {system.ownerTeam.name}
                  </Link>
                </dd>
              </div>
              <div>
                <dt className="text-slate-600">Secrets consumed</dt>
                <dd className="mt-0.5 flex items-baseline justify-between gap-3">
                  <span className="text-2xl font-semibold tabular-nums text-slate-900">{system.consumerCount.toLocaleString('en-US')}</span>
                  <Link href={`/inventory?system=${system.id}`} className="font-medium text-accent-700 hover:underline">
                    Secrets consumed<span aria-hidden> →</span>
                  </Link>
                </dd>
                <dd className="mt-0.5 text-xs text-slate-500">Secrets that list this system, not counting decommissioned ones.</dd>
              </div>
            </dl>
            <div className="border-t border-slate-200 pt-3 text-xs text-slate-500">
              <p>Created {formatDateTime(system.createdAt)}</p>
              <p>Last changed {formatDateTime(system.updatedAt)}</p>
            </div>
          </div>
        </Card>
      </div>
    </>
  );
}
