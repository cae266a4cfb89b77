import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogTable } from '@/components/catalog/list-parts';
import { SystemStatusBadge } from '@/components/catalog/system-status-badge';
import { LinkButton } from '@/components/ui/button';
import type { Column } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { readListQuery } from '@/components/ui/list-query';
import { countColumn, nameColumn } from '@/components/ui/catalog-columns';
import { FilterBar, FilterSearch, FilterSelect } from '@/components/ui/filter-bar';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listTeamOptions } from '@/lib/data/catalog';
import { listSystems, type SystemListItem } from '@/lib/data/systems';
import { catalogListHref, parseSystemListQuery } from '@/lib/validation/catalog';

export const metadata: Metadata = { title: 'Systems' };

const STATUS_OPTIONS = [
  { value: 'active', label: 'Active' },
  { value: 'decommissioned', label: 'Decommissioned' },
];

const COLUMNS: Column<SystemListItem>[] = [
  nameColumn('System', (system) => `/systems/${system.id}`, 'max-w-xl'),
  {
    header: 'Owner team',
    cell: (system) => (
      <Link href={`/teams/${system.ownerTeam.id}`} className="text-slate-800 hover:text-accent-700 hover:underline">
        {system.ownerTeam.name}
      </Link>
    ),
  },
  { header: 'Status', cell: (system) => <SystemStatusBadge status={system.status} /> },
  countColumn('Secrets consumed', (system) => ({ count: system.consumerCount, href: `/inventory?system=${system.id}` })),
];

/** The table's fixed parts; the page, its cursor and its address come with each request. */
const LIST = { noun: ['system', 'systems'] as [string, string], columns: COLUMNS, allHref: '/systems', searchTitle: 'No system matches these filters' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SystemsPage({ searchParams }: Props) {
  const caller = await requireSignedIn();
  const { query, here } = await readListQuery(searchParams, parseSystemListQuery, (q, after) =>
    catalogListHref('/systems', { q: q.q, owner: q.owner, status: q.status, size: q.size, after }),
  );
  const [page, teams] = await Promise.all([listSystems(caller, query), listTeamOptions(caller)]);
  const canWrite = can(caller.user.role, 'catalog.write');
  const filtered = Boolean(query.q || query.owner || query.status);
  const newSystem = canWrite && (
    <LinkButton href={query.owner ? `/systems/new?owner=${query.owner}` : '/systems/new'} variant="primary">
      New system
    </LinkButton>
  );

  if (page.total === 0 && !filtered) {
    return (
      <>
        <PageHeader title="Systems" />
        <EmptyState
          title="No systems yet"
          action={
            canWrite ? (
              teams.length > 0 ? (
                newSystem
              ) : (
                <LinkButton href="/teams/new" variant="primary">
                  Create a team first
                </LinkButton>
              )
            ) : undefined
          }
        >
          <p>
            Systems are the services, jobs and tools that use secrets. Each is owned by a team, and each secret in the inventory lists the systems that consume
            it, so you can see what breaks when a secret is rotated.
          </p>
          {canWrite && teams.length === 0 && <p className="mt-2">Every system needs an owner team, and there are no teams yet.</p>}
          {!canWrite && <p className="mt-2">Ask an engineer or an administrator to add them.</p>}
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Systems"
        description="Services and jobs that use secrets, and the teams that own them. Secret counts leave out decommissioned secrets."
        actions={newSystem}
      />
      <FilterBar action="/systems" label="Filter systems" submitLabel="Apply" clear={filtered ? { href: '/systems', label: 'Clear filters' } : undefined}>
        <FilterSearch id="system-search" label="Search by name" value={query.q} />
        <FilterSelect
          id="system-owner"
          label="Owner team"
          name="owner"
          value={query.owner}
          anyLabel="Any team"
          options={teams.map((t) => ({ value: t.id, label: t.name }))}
          width="w-56"
        />
        <FilterSelect id="system-status" label="Status" name="status" value={query.status} anyLabel="Any status" options={STATUS_OPTIONS} width="w-44" />
      </FilterBar>

      <CatalogTable {...LIST} page={page} after={query.after} here={here} />
    </>
  );
}
