import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { CountLink, NoMatches } from '@/components/catalog/list-parts';
import { ListPager } from '@/components/catalog/list-pager';
import { Button, LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { controlClass } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listTeams } from '@/lib/data/teams';
import { catalogListHref, parseTeamListQuery } from '@/lib/validation/catalog';

export const metadata: Metadata = { title: 'Teams' };

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
        <EmptyState
          title="No teams yet"
          action={newTeam || undefined}
        >
          <p>
            Teams own secrets and systems: every secret in the inventory and every system that uses secrets names the team
            responsible for it. Add your teams first, then their systems and secrets.
          </p>
          {!canWrite && <p className="mt-2">Ask an engineer or an administrator to add them.</p>}
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Teams"
        description="Who owns which secrets and systems. Secret counts leave out decommissioned secrets."
        actions={newTeam}
      />
      <form method="get" action="/teams" role="search" className="mb-4 flex flex-wrap items-end gap-2">
        <div className="w-72">
          <label htmlFor="team-search" className="mb-1 block text-sm font-medium text-slate-800">
            Search by name
          </label>
          <input id="team-search" name="q" type="search" defaultValue={query.q} className={controlClass} autoComplete="off" />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {query.q && (
          <Link href="/teams" className="px-2 py-2 text-sm font-medium text-accent-700 hover:underline">
            Clear search
          </Link>
        )}
      </form>

      {page.items.length === 0 ? (
        <NoMatches
          pastEnd={Boolean(query.after)}
          firstPageHref={here()}
          allHref="/teams"
          noun="teams"
          searchTitle="No team matches this search"
        />
      ) : (
        <>
          <Table caption="Teams">
            <thead>
              <tr>
                <Th>Team</Th>
                <Th className="text-right">Secrets owned</Th>
                <Th className="text-right">Systems owned</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.items.map((team) => (
                <Tr key={team.id}>
                  <Td>
                    <Link href={`/teams/${team.id}`} className="font-medium text-accent-700 hover:underline">
                      {team.name}
                    </Link>
                    {team.description && <p className="mt-0.5 line-clamp-1 max-w-2xl text-slate-600">{team.description}</p>}
                  </Td>
                  <Td className="text-right tabular-nums">
                    <CountLink href={`/inventory?owner=${team.id}`} count={team.secretCount} label={`Secrets owned by ${team.name}`} />
                  </Td>
                  <Td className="text-right tabular-nums">
                    <CountLink href={`/systems?owner=${team.id}`} count={team.systemCount} label={`Systems owned by ${team.name}`} />
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
          <ListPager
            shown={page.items.length}
            total={page.total}
            noun={['team', 'teams']}
            firstHref={query.after ? here() : undefined}
            nextHref={page.nextCursor ? here(page.nextCursor) : undefined}
          />
        </>
      )}
    </>
  );
}
