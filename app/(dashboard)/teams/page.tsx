import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { CatalogTable, CountLink } from '@/components/catalog/list-parts';
import { LinkButton } from '@/components/ui/button';
import type { Column } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterBar, FilterSearch } from '@/components/ui/filter-bar';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listTeams, type TeamListItem } from '@/lib/data/teams';
import { catalogListHref, parseTeamListQuery } from '@/lib/validation/catalog';

export const metadata: Metadata = { title: 'Teams' };

const COLUMNS: Column<TeamListItem>[] = [
  {
    header: 'Team',
    cell: (team) => (
      <>
        <Link href={`/teams/${team.id}`} className="font-medium text-accent-700 hover:underline">
          {team.name}
        </Link>
        {team.description && <p className="mt-0.5 line-clamp-1 max-w-2xl text-slate-600">{team.description}</p>}
      </>
    ),
  },
  {
    header: 'Secrets owned',
    numeric: true,
    cell: (team) => <CountLink href={`/inventory?owner=${team.id}`} count={team.secretCount} label={`Secrets owned by ${team.name}`} />,
  },
  {
    header: 'Systems owned',
    numeric: true,
    cell: (team) => <CountLink href={`/systems?owner=${team.id}`} count={team.systemCount} label={`Systems owned by ${team.name}`} />,
  },
];

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function TeamsPage({ searchParams }: Props) {
  const caller = await requireSignedIn();
  const params = await searchParams;
  const query = parseTeamListQuery(params);
  const here = (after?: string) => catalogListHref('/teams', { q: query.q, size: query.size, after });
  // The search form submits empty fields too; keep shared links short.
  if (Object.values(params).some((v) => v === '')) redirect(here(query.after));
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

      <CatalogTable
        noun={['team', 'teams']}
        columns={COLUMNS}
        page={page}
        after={query.after}
        here={here}
        allHref="/teams"
        searchTitle="No team matches this search"
      />
    </>
  );
}
