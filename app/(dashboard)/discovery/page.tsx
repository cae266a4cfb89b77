import type { Metadata } from 'next';
import Link from 'next/link';
import { ConnectionsAtAGlance } from '@/components/discovery/connections-at-a-glance';
import { IgnoreControl } from '@/components/discovery/ignore-control';
import { DayAndAge } from '@/components/day-and-age';
import { formatDay } from '@/components/format';
import { ConnectionKindBadge } from '@/components/providers/kind-badge';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterBar, FilterSearch, FilterSelect } from '@/components/ui/filter-bar';
import { controlClass } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { Pager } from '@/components/ui/pager';
import { requireSignedIn } from '@/lib/auth/session';
import { discoveryOverview, listUnmanaged, type UnmanagedItem } from '@/lib/data/unmanaged';
import { ForbiddenError } from '@/lib/errors';
import { MAX_ADOPT_ROWS, parseUnmanagedQuery, unmanagedHref, unmanagedParams, type TUnmanagedQuery } from '@/lib/validation/unmanaged';
import { ignoreDiscoveredAction, restoreDiscoveredAction } from './actions';

export const metadata: Metadata = { title: 'Discovery' };

type Params = Promise<Record<string, string | string[] | undefined>>;

const STATE_OPTIONS = [
  { value: 'active', label: 'Not scheduled for deletion' },
  { value: 'deletion_scheduled', label: 'Scheduled for deletion' },
  { value: 'ignored', label: 'Ignored' },
];

function columns(): Column<UnmanagedItem>[] {
  return [
    {
      header: 'Cloud secret',
      className: 'min-w-56 max-w-md',
      cell: (item) => (
        <>
          <div className="font-medium break-words text-slate-900">{item.providerKey}</div>
          {item.description && <div className="line-clamp-2 text-xs text-slate-600">{item.description}</div>}
          {item.createdAtProvider && (
            <div className="text-xs text-slate-500">
              Created <time dateTime={item.createdAtProvider}>{formatDay(item.createdAtProvider)}</time>
            </div>
          )}
          {item.deletionAt && (
            <Badge tone="amber" className="mt-1">
              Deleted at the provider on {formatDay(item.deletionAt)}
            </Badge>
          )}
          {item.ignored && (
            <p className="mt-1 text-xs text-slate-600">
              Ignored {formatDay(item.ignored.at)}
              {item.ignored.by ? ` by ${item.ignored.by}` : ''}: “{item.ignored.reason}”
            </p>
          )}
        </>
      ),
    },
    {
      header: 'Connection',
      className: 'max-w-40',
      cell: (item) => (
        <div className="flex flex-col items-start gap-1">
          <Link href={`/settings/providers/${item.connectionId}`} className="break-words text-accent-700 hover:underline">
            {item.connectionName}
          </Link>
          <ConnectionKindBadge kind={item.connectionKind} />
        </div>
      ),
    },
    {
      header: 'Tags or labels',
      className: 'max-w-xs',
      cell: (item) =>
        item.labelCount === 0 ? (
          <span className="text-slate-500">None</span>
        ) : (
          <ul className="flex flex-wrap gap-1" aria-label={`Tags or labels of ${item.providerKey}`}>
            {item.labels.map(([key, value]) => (
              <li key={key}>
                <Link href={unmanagedHref({ label: { key, value } })} className="ui-badge bg-slate-100 text-slate-700 ring-slate-300 hover:bg-slate-200">
                  {key}
                  {value ? `: ${value}` : ''}
                </Link>
              </li>
            ))}
            {item.labelCount > item.labels.length && <li className="text-xs text-slate-500">+{item.labelCount - item.labels.length} more</li>}
          </ul>
        ),
    },
    {
      header: 'Rotation',
      title: 'Rotation configured at the provider',
      cell: (item) =>
        item.rotationEnabled ? (
          <Badge tone="green">On</Badge>
        ) : item.rotationEnabled === false ? (
          <Badge>Off</Badge>
        ) : (
          <span className="text-slate-500">Never set</span>
        ),
    },
    { header: 'Last changed', headerClassName: 'whitespace-nowrap', cell: (item) => <DayAndAge iso={item.lastChangedAt} /> },
    { header: 'Last read', headerClassName: 'whitespace-nowrap', cell: (item) => <DayAndAge iso={item.lastAccessedAt} empty="Not recorded" /> },
    { header: 'First seen', headerClassName: 'whitespace-nowrap', cell: (item) => <DayAndAge iso={item.firstSeenAt} /> },
    {
      header: <span className="sr-only">Actions</span>,
      cell: (item) => (
        <IgnoreControl
          name={item.providerKey}
          ignored={item.ignored !== null}
          ignore={ignoreDiscoveredAction.bind(null, item.id)}
          restore={restoreDiscoveredAction.bind(null, item.id)}
        />
      ),
    },
  ];
}

function AdoptBar({ query, total }: { query: TUnmanagedQuery; total: number }) {
  if (query.state === 'ignored' || total === 0) return null;
  const { after: _after, ...filter } = unmanagedParams(query);
  const tooMany = total > MAX_ADOPT_ROWS;
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <p className="text-sm text-slate-700">
        {tooMany
          ? `${total.toLocaleString('en-US')} secrets match. Narrow the view to ${MAX_ADOPT_ROWS.toLocaleString('en-US')} or fewer (a connection, a tag, a search) to adopt them as one batch.`
          : 'Adopt every secret in this view: map owners, environments and classifications from tags or names, check the preview, then confirm.'}
      </p>
      {!tooMany && (
        <LinkButton href={unmanagedHref(filter, '/discovery/adopt')} variant="primary">
          Adopt {total === 1 ? 'this secret' : `these ${total.toLocaleString('en-US')} secrets`}…
        </LinkButton>
      )}
    </div>
  );
}

export default async function DiscoveryPage({ searchParams }: { searchParams: Params }) {
  const query = parseUnmanagedQuery(await searchParams);
  const caller = await requireSignedIn();
  let page, connections;
  try {
    [page, connections] = await Promise.all([listUnmanaged(caller, query), discoveryOverview(caller)]);
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    return (
      <>
        <PageHeader title="Discovery" />
        <Alert tone="info">Only administrators see the cloud secrets nobody has inventoried yet. Ask one of them to adopt or ignore them.</Alert>
      </>
    );
  }
  const filtered = Boolean(query.q || query.connection || query.label || query.state);
  const { after: _after, ...filters } = query;
  const labelText = unmanagedParams(query).label;

  return (
    <>
      <PageHeader
        title="Discovery"
        description="Secrets that exist in your connected cloud accounts but in no inventory entry. Adopt them so each has an owner, or ignore them with a reason."
        actions={<LinkButton href="/discovery/drift">Drift report</LinkButton>}
      />
      <ConnectionsAtAGlance connections={connections} />

      <h2 className="mb-3 text-lg font-semibold text-slate-900">Unmanaged cloud secrets</h2>
      <FilterBar action="/discovery" label="Filter unmanaged secrets" clear={filtered ? { href: '/discovery', label: 'Clear filters' } : undefined}>
        <FilterSearch id="filter-q" label="Name, description or label" value={query.q} />
        <FilterSelect
          id="filter-connection"
          label="Connection"
          name="connection"
          value={query.connection}
          anyLabel="All connections"
          options={connections.map((c) => ({ value: c.id, label: c.name }))}
        />
        <div className="w-56">
          <label htmlFor="filter-label" className="mb-1 block text-sm font-medium text-slate-800">
            Tag or label
          </label>
          <input
            id="filter-label"
            name="label"
            defaultValue={labelText ?? ''}
            placeholder="team or team:payments"
            aria-describedby="filter-label-hint"
            className={controlClass}
            autoComplete="off"
          />
          <span id="filter-label-hint" className="sr-only">
            A key alone finds secrets that have it; key:value finds that value.
          </span>
        </div>
        <FilterSelect id="filter-state" label="State" name="state" value={query.state} anyLabel="Not ignored" options={STATE_OPTIONS} width="w-56" />
      </FilterBar>

      <AdoptBar query={query} total={page.total} />

      {page.items.length === 0 ? (
        <EmptyState title={filtered ? 'No unmanaged secrets match these filters' : 'Every cloud secret found is in the inventory'}>
          {filtered
            ? 'Try another search, tag or connection.'
            : connections.some((c) => c.lastCompletedAt)
              ? 'The newest scans found nothing unmanaged. New cloud secrets show up here after the next scan.'
              : 'No connection has been scanned yet. Open a connection under Settings → Providers and start a scan.'}
        </EmptyState>
      ) : (
        <DataTable
          caption="Unmanaged cloud secrets"
          items={page.items}
          itemKey={(item) => item.id}
          columns={columns()}
          pager={
            <Pager
              summary={`${page.total.toLocaleString('en-US')} ${page.total === 1 ? 'secret' : 'secrets'}${filtered ? ' match' : ''}`}
              firstHref={query.after ? unmanagedHref(filters) : undefined}
              nextHref={page.nextCursor ? unmanagedHref({ ...filters, after: page.nextCursor }) : undefined}
            />
          }
        />
      )}
    </>
  );
}
