import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { CountLink, NoMatches } from '@/components/catalog/list-parts';
import { ListPager } from '@/components/catalog/list-pager';
import { SystemStatusBadge } from '@/components/catalog/system-status-badge';
import { Button, LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { controlClass } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listTeamOptions } from '@/lib/data/catalog';
import { listSystems } from '@/lib/data/systems';
import { catalogListHref, parseSystemListQuery } from '@/lib/validation/catalog';

export const metadata: Metadata = { title: 'Systems' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SystemsPage({ searchParams }: Props) {
  const caller = await requireSignedIn();
  const params = await searchParams;
  const query = parseSystemListQuery(params);
  const here = (after?: string) =>
    catalogListHref('/systems', { q: query.q, owner: query.owner, status: query.status, size: query.size, after });
  // The filter form submits empty fields too; keep shared links short.
  if (Object.values(params).some((v) => v === '')) redirect(here(query.after));
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
            canWrite
              ? teams.length > 0
                ? newSystem
                : <LinkButton href="/teams/new" variant="primary">Create a team first</LinkButton>
              : undefined
          }
        >
          <p>
            Systems are the services, jobs and tools that use secrets. Each is owned by a team, and each secret in the
            inventory lists the systems that consume it, so you can see what breaks when a secret is rotated.
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
      <form method="get" action="/systems" role="search" aria-label="Filter systems" className="mb-4 flex flex-wrap items-end gap-3">
        <div className="w-64">
          <label htmlFor="system-search" className="mb-1 block text-sm font-medium text-slate-800">
            Search by name
          </label>
          <input id="system-search" name="q" type="search" defaultValue={query.q} className={controlClass} autoComplete="off" />
        </div>
        <div className="w-56">
          <label htmlFor="system-owner" className="mb-1 block text-sm font-medium text-slate-800">
            Owner team
          </label>
          <select id="system-owner" name="owner" defaultValue={query.owner ?? ''} className={controlClass}>
            <option value="">Any team</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div className="w-44">
          <label htmlFor="system-status" className="mb-1 block text-sm font-medium text-slate-800">
            Status
          </label>
          <select id="system-status" name="status" defaultValue={query.status ?? ''} className={controlClass}>
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="decommissioned">Decommissioned</option>
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {filtered && (
          <Link href="/systems" className="px-2 py-2 text-sm font-medium text-accent-700 hover:underline">
            Clear filters
          </Link>
        )}
      </form>

      {page.items.length === 0 ? (
        <NoMatches
          pastEnd={Boolean(query.after)}
          firstPageHref={here()}
          allHref="/systems"
          noun="systems"
          searchTitle="No system matches these filters"
        />
      ) : (
        <>
          <Table caption="Systems">
            <thead>
              <tr>
                <Th>System</Th>
                <Th>Owner team</Th>
                <Th>Status</Th>
                <Th className="text-right">Secrets consumed</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.items.map((system) => (
                <Tr key={system.id}>
                  <Td>
                    <Link href={`/systems/${system.id}`} className="font-medium text-accent-700 hover:underline">
                      {system.name}
                    </Link>
                    {system.description && <p className="mt-0.5 line-clamp-1 max-w-xl text-slate-600">{system.description}</p>}
                  </Td>
                  <Td>
                    <Link href={`/teams/${system.ownerTeam.id}`} className="text-slate-800 hover:text-accent-700 hover:underline">
                      {system.ownerTeam.name}
                    </Link>
                  </Td>
                  <Td>
                    <SystemStatusBadge status={system.status} />
                  </Td>
                  <Td className="text-right tabular-nums">
                    <CountLink
                      href={`/inventory?system=${system.id}`}
                      count={system.consumerCount}
                      label={`Secrets consumed by ${system.name}`}
                    />
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
          <ListPager
            shown={page.items.length}
            total={page.total}
            noun={['system', 'systems']}
            firstHref={query.after ? here() : undefined}
            nextHref={page.nextCursor ? here(page.nextCursor) : undefined}
          />
        </>
      )}
    </>
  );
}
