// The Rotation area's filter bar: the inventory's own filter fields and form, pointed at
// a Rotation page, carrying that page's own state (tab, window, month) along.
import { InventoryFilterFields, type FilterValues } from '@/components/inventory/filter-fields';
import { FilterForm } from '@/components/ui/filter-form';
import type { SystemOption, SystemSearch } from '@/components/inventory/system-combobox';
import { FilterActions } from '@/components/ui/filter-bar';

export function RotationFilters({
  action,
  values,
  keep,
  defaults,
  extra,
  clearHref,
  filtered,
  environments,
  teams,
  chosenSystem,
  searchSystems,
}: {
  action: '/rotation' | '/rotation/calendar';
  values: FilterValues;
  /** Page state submitted with the filters as hidden fields (tab, month...). */
  keep: Record<string, string | undefined>;
  /** Values left out of the URL when equal to these (the page's defaults). */
  defaults: Record<string, string>;
  /** Page-specific fields after the shared ones. */
  extra?: React.ReactNode;
  clearHref: string;
  filtered: boolean;
  environments: { name: string }[];
  teams: { id: string; name: string }[];
  chosenSystem: SystemOption | null;
  searchSystems: SystemSearch;
}) {
  return (
    <section aria-labelledby="filters-heading" className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h2 id="filters-heading" className="sr-only">
        Filters
      </h2>
      <FilterForm action={action} defaults={defaults} label="Filter rotations" className="grid gap-x-4 gap-y-3 sm:grid-cols-2 lg:grid-cols-4 xl:grid-cols-12">
        {Object.entries(keep).map(([name, value]) => value !== undefined && <input key={name} type="hidden" name={name} value={value} />)}
        <InventoryFilterFields values={values} environments={environments} teams={teams} chosenSystem={chosenSystem} searchSystems={searchSystems} />
        {extra}
        <FilterActions filtered={filtered} clearHref={clearHref} className="flex items-end justify-end gap-2 sm:col-span-2 lg:col-span-4 xl:col-span-12" />
      </FilterForm>
    </section>
  );
}
