import type { Metadata } from 'next';
import Link from 'next/link';
import { SystemStatusBadge } from '@/components/catalog/system-status-badge';
import { LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { AboutCard, CountFact, Fact, FactsCard, RecordColumns } from '@/components/ui/record-facts';
import { RecordHeader } from '@/components/ui/record-header';
import { loadSystem } from '../load';
import { SystemStatusControl } from './status-client';

type Props = { params: Promise<{ systemId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await loadSystem((await params).systemId)).system.name };
}

export default async function SystemPage({ params }: Props) {
  const { system, canWrite } = await loadSystem((await params).systemId);

  return (
    <>
      <RecordHeader
        back={{ href: '/systems', label: 'Systems' }}
        title={system.name}
        actions={canWrite && <LinkButton href={`/systems/${system.id}/edit`}>Edit system</LinkButton>}
      >
        System <SystemStatusBadge status={system.status} />
      </RecordHeader>
      <RecordColumns
        aside={
          <FactsCard title="Details" record={system}>
            <Fact term="Owner team">
              <dd className="mt-0.5">
                <Link href={`/teams/${system.ownerTeam.id}`} className="font-medium text-accent-700 hover:underline">
                  {system.ownerTeam.name}
                </Link>
              </dd>
            </Fact>
            <CountFact
              term="Secrets consumed"
              count={system.consumerCount}
              href={`/inventory?system=${system.id}`}
              note="Secrets that list this system, not counting decommissioned ones."
            />
          </FactsCard>
        }
      >
        <AboutCard description={system.description} empty="No description yet.">
          {system.principals.length > 0 && (
            <div className="mt-4">
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Identities</h3>
              <ul className="mt-1 space-y-0.5">
                {system.principals.map((p) => (
                  <li key={p}>
                    <code className="break-all font-mono text-[13px] text-slate-800">{p}</code>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </AboutCard>
        {canWrite && (
          <Card title={system.status === 'active' ? 'Decommission' : 'Reactivate'}>
            <SystemStatusControl systemId={system.id} status={system.status} />
          </Card>
        )}
      </RecordColumns>
    </>
  );
}
