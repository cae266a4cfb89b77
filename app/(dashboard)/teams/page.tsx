import type { Metadata } from 'next';
import { CatalogTable } from '@/components/catalog/list-parts';
import { LinkButton } from '@/components/ui/button';
import type { Column } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { readListQuery } from '@/components/ui/list-query';
import { countColumn, nameColumn } from '@/components/ui/catalog-columns';
import { FilterBar, FilterSearch } from '@/components/ui/filter-bar';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listTeams, type TeamListItem } from '@/lib/data/teams';
import { catalogListHref, parseTeamListQuery } from '@/lib/validation/catalog';

export const metadata: Metadata = { title: 'Teams' };

const COLUMNS: Column<TeamListItem>[] = [
  nameColumn('Team', (team) => `/teams/${team.id}`, 'max-w-2xl'),
  countColumn('Secrets owned', (team) => ({ count: team.secretCount, href: `/inventory?owner=${team.id}` })),
  countColumn('Systems owned', (team) => ({ count: team.systemCount, href: `/systems?owner=${team.id}` })),
];

/** The table's fixed parts; the page, its cursor and its address come with each request. */
const LIST = { noun: ['team', 'teams'] as [string, string], columns: COLUMNS, allHref: '/teams', searchTitle: 'No team matches this search' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function TeamsPage({ searchParams }: Props) {
  const caller = await requireSignedIn();
  const { query, here } = await readListQuery(searchParams, parseTeamListQuery, (q, after) => catalogListHref('/teams', { q: q.q, size: q.size, after }));
  const page = await listTeams(caller, query);
  const canWrite = can(caller.user.role, 'catalog.write');
  const newTeam = canWrite && (
    <LinkButton href="/teams/new" variant="primary">
      New team
    </LinkButton>
  );

  // No teams at all: explain what they are for before showing an empty table.
  if (page.total === 0 && !query.q) {
    return (
      <>
        <PageHeader title="Teams" />
        <EmptyState title="No teams yet" action={newTeam || undefined}>
          <p>
            Teams own secrets and systems: every secret in the inventory and every system that uses secrets names the team responsible for it. Add your teams
            first, then their systems and secrets.
          </p>
          {!canWrite && <p className="mt-2">Ask an engineer or an administrator to add them.</p>}
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Teams" description="Who owns which secrets and systems. Secret counts leave out decommissioned secrets." actions={newTeam} />
      <FilterBar action="/teams" submitLabel="Search" clear={query.q ? { href: '/teams', label: 'Clear search' } : undefined}>
        <FilterSearch id="team-search" label="Search by name" value={query.q} width="w-72" />
      </FilterBar>

      <CatalogTable {...LIST} page={page} after={query.after} here={here} />
    </>
  );
}
