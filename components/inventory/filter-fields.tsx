// The inventory's filters as form fields (search, environment, owner team, consuming
// system, classification, status, tag), shared by the Inventory and Rotation pages so
// both filter alike. Laid out for a 12-column grid at xl; the page adds its own fields.
import { TextField } from '@/components/ui/field';
import { CLASSIFICATIONS, SECRET_STATUSES } from '@/lib/validation/secret';
import { CLASSIFICATION_LABELS, STATUS_LABELS } from './labels';
import { SpanSelect } from './span-select';
import { SystemCombobox, UNKNOWN_SYSTEM, type SystemOption, type SystemSearch } from './system-combobox';

export type FilterValues = {
  q?: string;
  env?: string;
  owner?: string;
  system?: string;
  classification?: string;
  status?: string;
  tag?: string;
};

const STATUS_OPTIONS = [
  { value: '', label: 'All but decommissioned' },
  ...SECRET_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
  { value: 'any', label: 'Any status' },
];

const CLASSIFICATION_OPTIONS = CLASSIFICATIONS.map((c) => ({ value: c, label: CLASSIFICATION_LABELS[c] }));

export function InventoryFilterFields({
  values,
  environments,
  teams,
  chosenSystem,
  searchSystems,
  systemFilter,
}: {
  values: FilterValues;
  environments: { name: string }[];
  teams: { id: string; name: string }[];
  /** The system named by the URL, resolved to its name (null when none or unknown). */
  chosenSystem?: SystemOption | null;
  searchSystems: SystemSearch;
  /** A system filter of the page's own, in place of one showing `chosenSystem` (the Inventory's follows its fetched view). */
  systemFilter?: React.ReactNode;
}) {
  const envOptions = environments.map((e) => ({ value: e.name, label: e.name }));
  const teamOptions = teams.map((t) => ({ value: t.id, label: t.name }));
  return (
    <>
      <div className="sm:col-span-2 xl:col-span-4">
        <TextField label="Search" name="q" type="search" defaultValue={values.q ?? ''} placeholder="Name, description, tag or provider reference" />
      </div>
      <SpanSelect span="xl:col-span-2" label="Environment" name="env" value={values.env} placeholder="Any environment" options={envOptions} />
      <SpanSelect span="xl:col-span-3" label="Owner team" name="owner" value={values.owner} placeholder="Any team" options={teamOptions} />
      <div className="sm:col-span-2 lg:col-span-4 xl:col-span-3">
        {systemFilter ?? (
          <SystemCombobox
            name="system"
            label="Consuming system"
            initial={chosenSystem ?? (values.system ? { id: values.system, name: UNKNOWN_SYSTEM } : null)}
            search={searchSystems}
          />
        )}
      </div>
      <SpanSelect
        span="xl:col-span-2"
        label="Classification"
        name="classification"
        value={values.classification}
        placeholder="Any classification"
        options={CLASSIFICATION_OPTIONS}
      />
      <SpanSelect span="xl:col-span-3" label="Status" name="status" value={values.status} options={STATUS_OPTIONS} />
      <div className="xl:col-span-2">
        <TextField label="Tag" name="tag" defaultValue={values.tag ?? ''} placeholder="e.g. pci" autoComplete="off" />
      </div>
    </>
  );
}
