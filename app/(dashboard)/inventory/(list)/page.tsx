import type { Metadata } from 'next';
import { searchOf, type SearchParams } from '@/lib/validation/list-url';
import { InventoryFilterFields } from '@/components/inventory/filter-fields';
import { FilterForm } from '@/components/ui/filter-form';
import { ExportLink, HealthPanel, ListFilterActions, ListResults, ListSystemFilter } from '@/components/inventory/list-sections';
import { SecretListViewProvider } from '@/components/inventory/list-view';
import { SpanSelect } from '@/components/inventory/span-select';
import { CHECK_SHORT_LABELS } from '@/components/posture/labels';
import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listEnvironments, listTeamOptions } from '@/lib/data/catalog';
import { listSecrets } from '@/lib/data/secrets';
import { secretListView } from '@/lib/data/secret-list-view';
import { POSTURE_CHECK_KEYS } from '@/lib/validation/posture';
import { DUE_SOON_DAYS, EXPIRING_DAYS, PAGE_SIZES, parseSecretListQuery, UNREAD_DAYS } from '@/lib/validation/secret-list';
import { searchSystemsAction } from '../actions';

export const metadata: Metadata = { title: 'Inventory' };

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
const EXPIRING_OPTIONS = [{ value: '', label: 'Any' }, ...EXPIRING_DAYS.map((d) => ({ value: String(d), label: `Expiring within ${d} days` }))];

const POSTURE_OPTIONS = [{ value: '', label: 'Any' }, ...POSTURE_CHECK_KEYS.map((key) => ({ value: key, label: CHECK_SHORT_LABELS[key] }))];

const DUE_OPTIONS = [
  { value: '', label: 'Any' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'soon', label: `Due within ${DUE_SOON_DAYS} days` },
  { value: 'never', label: 'Never rotated' },
];

// The first view is rendered here; later views (filters, sort, pages, back and forward)
// only fetch their rows from /api/inventory/rows and re-render the parts that show them
// in the browser (components/inventory/list-view.tsx, list-sections.tsx).
export default async function InventoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const caller = await requireSignedIn();
  const role = caller.user.role;
  const params = await searchParams;
  const query = parseSecretListQuery(params);
  const [listView, environments, teams] = await Promise.all([secretListView(caller, query), listEnvironments(caller), listTeamOptions(caller)]);

  const { page, links } = listView;

  const actions = (
    <>
      {can(role, 'inventory.export') && <ExportLink />}
      {can(role, 'inventory.import') && <LinkButton href="/inventory/import">Import CSV</LinkButton>}
      {can(role, 'secrets.write') && (
        <LinkButton href="/inventory/new" variant="primary">
          Add secret
        </LinkButton>
      )}
    </>
  );

  // An empty default view: either nothing was ever added, or everything is decommissioned.
  if (page.total === 0 && !links.filtered) {
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
    <SecretListViewProvider initialSearch={searchOf(params)} initialView={listView}>
      <PageHeader
        title="Inventory"
        description="Every secret your systems depend on: who owns it, who uses it, and when it is due for rotation."
        actions={actions}
      />

      <HealthPanel />

      <section aria-labelledby="filters-heading" className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <h2 id="filters-heading" className="sr-only">
          Filters
        </h2>
        <FilterForm shallow defaults={LIST_DEFAULTS} className="grid gap-x-4 gap-y-3 sm:grid-cols-2 lg:grid-cols-4 xl:grid-cols-12">
          <InventoryFilterFields
            values={query}
            environments={environments}
            teams={teams}
            searchSystems={searchSystemsAction}
            systemFilter={<ListSystemFilter searchSystems={searchSystemsAction} />}
          />
          <SpanSelect span="xl:col-span-2" label="Rotation" name="due" value={query.due} options={DUE_OPTIONS} />
          <SpanSelect span="xl:col-span-2" label="Reads" name="unread" value={query.unread ? String(query.unread) : ''} options={UNREAD_OPTIONS} />
          <SpanSelect span="xl:col-span-2" label="Posture" name="failing" value={query.failing} options={POSTURE_OPTIONS} />
          <SpanSelect span="xl:col-span-2" label="Expiry" name="expiring" value={query.expiring ? String(query.expiring) : ''} options={EXPIRING_OPTIONS} />
          <SpanSelect span="xl:col-span-2" label="Sort by" name="sort" value={query.sort} options={SORT_OPTIONS} />
          <SpanSelect span="xl:col-span-1" label="Per page" name="size" value={String(query.size)} options={SIZE_OPTIONS} />
          <ListFilterActions className="flex items-center justify-end gap-2 sm:col-span-2 lg:col-span-4 xl:col-span-12" />
        </FilterForm>
      </section>

      <ListResults />
    </SecretListViewProvider>
  );
}
