import { appClock } from '@/lib/clock';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDay, relativeDays } from '@/components/format';
import { NextDue } from '@/components/inventory/due';
import { InventoryFilterFields, SpanSelect } from '@/components/inventory/filter-fields';
import { FilterForm } from '@/components/inventory/filter-form';
import { RotationHealth } from '@/components/inventory/rotation-health';
import { StatusBadge } from '@/components/inventory/secret-badges';
import { secretIdentityColumns } from '@/components/inventory/secret-cells';
import { Badge } from '@/components/ui/badge';
import { buttonClass, LinkButton } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { type Column, DataTable, type SortState } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterActions } from '@/components/ui/filter-bar';
import { PageHeader } from '@/components/ui/page-header';
import { Pager } from '@/components/ui/pager';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listEnvironments, listTeamOptions, systemOptionsByIds } from '@/lib/data/catalog';
import { listSecrets, type SecretListItem } from '@/lib/data/secrets';
import { DUE_SOON_DAYS, PAGE_SIZES, parseSecretListQuery, UNREAD_DAYS, secretListHref, type TSecretListQuery } from '@/lib/validation/secret-list';
import { searchSystemsAction } from '../actions';

export const metadata: Metadata = { title: 'Inventory' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const FILTER_KEYS = ['q', 'env', 'owner', 'system', 'classification', 'status', 'due', 'tag', 'unread'] as const;
const number = new Intl.NumberFormat('en-US');
const SIZE_OPTIONS = PAGE_SIZES.map((n) => ({ value: String(n), label: String(n) }));
// What the list query means when a parameter is absent, straight from its schema.
const { sort: defaultSort, size: defaultSize } = parseSecretListQuery({});
const LIST_DEFAULTS = { sort: defaultSort, size: String(defaultSize) };

const SORT_OPTIONS = [
  { value: 'name', label: 'Name, A to Z' },
  { value: '-name', label: 'Name, Z to A' },
  { value: 'due', label: 'Next due, soonest first' },
  { value: '-updated', label: 'Recently updated' },
];
const UNREAD_OPTIONS = [{ value: '', label: 'Any' }, ...UNREAD_DAYS.map((d) => ({ value: String(d), label: `Not read in ${d} days` }))];

const DUE_OPTIONS = [
  { value: '', label: 'Any' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'soon', label: `Due within ${DUE_SOON_DAYS} days` },
  { value: 'never', label: 'Never rotated' },
];

export default async function InventoryPage({ searchParams }: { searchParams: SearchParams }) {
  const caller = await requireSignedIn();
  const role = caller.user.role;
  const query = parseSecretListQuery(await searchParams);
  const [page, environments, teams, chosenSystems] = await Promise.all([
    listSecrets(caller, query),
    listEnvironments(caller),
    listTeamOptions(caller),
    query.system ? systemOptionsByIds(caller, [query.system]) : Promise.resolve([]),
  ]);

  const { after, ...view } = query;
  const filtered = FILTER_KEYS.some((key) => query[key] !== undefined);
  const clearHref = secretListHref({ sort: query.sort, size: query.size });
  const { size: _size, ...exportView } = view;
  const exportHref = secretListHref(exportView, '/api/export/inventory');

  const actions = (
    <>
      {can(role, 'inventory.export') && page.total > 0 && (
        // A route handler streaming a file, not a page: a plain link, never prefetched.
        <a href={exportHref} className={buttonClass('secondary')}>
          Export CSV
        </a>
      )}
      {can(role, 'inventory.import') && <LinkButton href="/inventory/import">Import CSV</LinkButton>}
      {can(role, 'secrets.write') && (
        <LinkButton href="/inventory/new" variant="primary">
          Add secret
        </LinkButton>
      )}
    </>
  );

  // An empty default view: either nothing was ever added, or everything is decommissioned.
  if (page.total === 0 && !filtered) {
    const all = await listSecrets(caller, parseSecretListQuery({ status: 'any', size: '25' }));
    if (all.total === 0) {
      return (
        <>
          <PageHeader title="Inventory" />
          <EmptyState
            title={can(role, 'secrets.write') ? 'Start your secret inventory' : 'The inventory is empty'}
            action={
              <>
                {can(role, 'secrets.write') && (
                  <LinkButton href="/inventory/new" variant="primary">
                    Add a secret
                  </LinkButton>
                )}
                {can(role, 'inventory.import') && <LinkButton href="/inventory/import">Import CSV</LinkButton>}
              </>
            }
          >
            <p>
              The inventory lists every secret your systems depend on (database passwords, API keys, signing keys) with its owner team, the systems that use it,
              how sensitive it is and when it was last rotated. It records where each value lives, never the value itself.
            </p>
            {!can(role, 'secrets.write') && (
              <p className="mt-2">Nothing has been added yet. Engineers and administrators can add secrets or import a spreadsheet.</p>
            )}
          </EmptyState>
        </>
      );
    }
  }

  return (
    <>
      <PageHeader
        title="Inventory"
        description="Every secret your systems depend on: who owns it, who uses it, and when it is due for rotation."
        actions={actions}
      />

      {page.total > 0 && <HealthPanel query={view} total={page.total} summary={page.summary} />}

      <section aria-labelledby="filters-heading" className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <h2 id="filters-heading" className="sr-only">
          Filters
        </h2>
        <FilterForm defaults={LIST_DEFAULTS} className="grid gap-x-4 gap-y-3 sm:grid-cols-2 lg:grid-cols-4 xl:grid-cols-12">
          <InventoryFilterFields
            values={query}
            environments={environments}
            teams={teams}
            chosenSystem={chosenSystems[0] ?? null}
            searchSystems={searchSystemsAction}
          />
          <SpanSelect span="xl:col-span-2" label="Rotation" name="due" value={query.due} options={DUE_OPTIONS} />
          <SpanSelect span="xl:col-span-2" label="Reads" name="unread" value={query.unread ? String(query.unread) : ''} options={UNREAD_OPTIONS} />
          <SpanSelect span="xl:col-span-2" label="Sort by" name="sort" value={query.sort} options={SORT_OPTIONS} />
          <SpanSelect span="xl:col-span-1" label="Per page" name="size" value={String(query.size)} options={SIZE_OPTIONS} />
          <FilterActions filtered={filtered} clearHref={clearHref} className="flex items-center justify-end gap-2 sm:col-span-2 lg:col-span-4 xl:col-span-12" />
        </FilterForm>
      </section>

      {page.total === 0 ? (
        <EmptyState
          title="No secrets match these filters"
          action={
            <LinkButton href={clearHref} variant="primary">
              Clear filters
            </LinkButton>
          }
        >
          {!filtered ? (
            <p>
              Every secret in the inventory is decommissioned, and decommissioned secrets are hidden by default.{' '}
              <Link className="font-medium text-accent-700 underline" href={secretListHref({ ...view, status: 'any' })}>
                Show them
              </Link>
              .
            </p>
          ) : (
            <p>Try a broader search, or remove a filter. Decommissioned secrets only appear when Status is set to include them.</p>
          )}
        </EmptyState>
      ) : page.items.length === 0 ? (
        <EmptyState title="This page is past the end of the list" action={<LinkButton href={secretListHref(view)}>First page</LinkButton>}>
          <p>The list changed since this link was made.</p>
        </EmptyState>
      ) : (
        <>
          <SecretTable items={page.items} query={view} />
          <Pager
            summary={`Showing ${number.format(page.items.length)} of ${number.format(page.total)}${after ? ' (a later page)' : ''}`}
            firstHref={after ? secretListHref(view) : undefined}
            nextHref={page.nextCursor ? secretListHref({ ...view, after: page.nextCursor }) : undefined}
          />
        </>
      )}
    </>
  );
}

type View = Omit<TSecretListQuery, 'after'>;

function HealthPanel({
  query,
  total,
  summary,
}: {
  query: View;
  total: number;
  summary: { overdue: number; dueSoon: number; neverRotated: number; noPolicy: number };
}) {
  const chips = [
    { due: 'overdue' as const, label: 'Overdue', count: summary.overdue, urgent: true },
    { due: 'soon' as const, label: 'Due soon', count: summary.dueSoon, urgent: false },
    { due: 'never' as const, label: 'Never rotated', count: summary.neverRotated, urgent: false },
  ];
  return (
    <section
      aria-label="Rotation summary"
      className="mb-6 flex flex-col gap-6 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200 lg:flex-row lg:items-center"
    >
      <div className="shrink-0 lg:w-40">
        <p className="text-3xl font-semibold tabular-nums tracking-tight text-slate-900">{number.format(total)}</p>
        <p className="text-sm text-slate-600">{total === 1 ? 'secret' : 'secrets'} in this view</p>
      </div>
      <RotationHealth total={total} overdue={summary.overdue} dueSoon={summary.dueSoon} noPolicy={summary.noPolicy} />
      <nav aria-label="Quick filters" className="shrink-0">
        <ul className="flex flex-wrap gap-2 lg:flex-col">
          {chips.map((chip) => {
            const applied = query.due === chip.due;
            return (
              <li key={chip.due}>
                <Link
                  href={secretListHref({ ...query, due: applied ? undefined : chip.due })}
                  aria-current={applied ? 'true' : undefined}
                  className={cn(
                    'inline-flex w-full items-center justify-between gap-3 rounded-full px-3 py-1 text-sm ring-1 ring-inset',
                    applied
                      ? 'bg-slate-900 text-white ring-slate-900'
                      : chip.urgent && chip.count > 0
                        ? 'bg-red-50 text-red-800 ring-red-200 hover:bg-red-100'
                        : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50',
                  )}
                >
                  <span>{chip.label}</span>
                  <span className="font-semibold tabular-nums">{number.format(chip.count)}</span>
                  {applied && <span className="sr-only">(applied; select to remove this filter)</span>}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </section>
  );
}

/** A sortable header: the first click sorts by `primary`, the next by `reverse` (if any). */
function sortBy(query: View, [primary, reverse]: [View['sort'], View['sort'] | null]) {
  const active = query.sort === primary || query.sort === reverse;
  const next = query.sort === primary && reverse ? reverse : primary;
  const state: SortState = !active ? undefined : query.sort === primary ? 'ascending' : 'descending';
  return { href: secretListHref({ ...query, sort: next }), state };
}

function SecretTable({ items, query }: { items: SecretListItem[]; query: View }) {
  const now = appClock().now().getTime();
  const columns: Column<SecretListItem>[] = [
    ...secretIdentityColumns<SecretListItem>(sortBy(query, ['name', '-name'])),
    { header: 'Status', cell: (s) => <StatusBadge value={s.status} /> },
    {
      header: 'Last rotated',
      className: 'whitespace-nowrap',
      cell: (s) =>
        s.lastRotatedAt ? (
          <>
            <time dateTime={s.lastRotatedAt}>{formatDay(s.lastRotatedAt)}</time>
            <span className="block text-xs text-slate-500">{relativeDays(s.lastRotatedAt, now)}</span>
          </>
        ) : (
          <span className="text-slate-500">Never</span>
        ),
    },
    {
      header: 'Next due',
      sort: sortBy(query, ['due', null]),
      headerClassName: 'whitespace-nowrap',
      cell: (s) => <NextDue nextDueAt={s.nextDueAt} now={now} stacked />,
    },
    {
      header: 'Used by',
      numeric: true,
      headerClassName: 'whitespace-nowrap',
      title: 'Number of consuming systems',
      cell: (s) => (
        <>
          {s.consumerCount}
          <span className="sr-only"> {s.consumerCount === 1 ? 'system' : 'systems'}</span>
        </>
      ),
    },
    { header: 'Tags', cell: (s) => <TagList tags={s.tags} /> },
  ];
  return <DataTable caption="Secrets in this view" items={items} itemKey={(s) => s.id} columns={columns} />;
}

function TagList({ tags }: { tags: string[] }) {
  if (!tags.length) return <span className="text-slate-400">—</span>;
  const shown = tags.slice(0, 2);
  return (
    <span className="flex flex-wrap gap-1">
      {shown.map((tag) => (
        <Badge key={tag}>{tag}</Badge>
      ))}
      {tags.length > shown.length && (
        <span className="text-xs text-slate-500" title={tags.slice(2).join(', ')}>
          +{tags.length - shown.length}
        </span>
      )}
    </span>
  );
}
