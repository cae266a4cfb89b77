// The secret form's sections other than Rotation: what the secret is, who owns it, where
// its value lives, and who uses it. Each takes the saved values and the last save's messages.
import type { Classification, ProviderKind } from '@/generated/prisma/enums';
import { CodeField, SelectField, TextAreaField, TextField } from '@/components/ui/field';
import { FormSection } from '@/components/ui/form-section';
import { CLASSIFICATION_LABELS, PROVIDER_LABELS, STATUS_LABELS } from './labels';
import { namedOptions, optionsOf, type ConnectionOption, type FieldErrorsOf, type Option, type SecretFormValues } from './secret-form-values';
import type { SystemSearch } from './system-combobox';
import { SystemMultiSelect } from './system-multi-select';

const REF_PLACEHOLDERS: Record<ProviderKind, string> = {
  aws: 'eu-west-1/prod/db-password',
  gcp: 'projects/acme-prod/secrets/db-password',
  local: 'payments/db-password',
  other: 'vault: kv/prod/payments/db-password',
};

const REF_HINT =
  'Where the value lives, so people can find it. AWS: a secret name such as eu-west-1/prod/db-password or its full ARN. ' +
  'GCP: projects/acme-prod/secrets/db-password. Never paste the secret value itself.';

// With a connection the server checks the reference for its kind, or derives one when empty.
const CONNECTED_REF_HINTS: Record<ConnectionOption['kind'], string> = {
  aws: 'The secret’s name in AWS Secrets Manager or its ARN. Leave empty to use <environment>/<name>. Never paste the value itself.',
  gcp: 'The secret id, or projects/<project>/secrets/<id>. Leave empty to use <environment>-<name>. Never paste the value itself.',
  local: 'A name of letters, digits and / _ . -. Leave empty to use <environment>/<name>. Never paste the value itself.',
};

type Common = { initial?: SecretFormValues; e: FieldErrorsOf };

/** A required choice of one of the named records the form was given (environments, teams). */
function NamedChoice({ label, name, choices, initial, e }: Common & { label: string; name: 'environmentId' | 'ownerTeamId'; choices: Option[] }) {
  return (
    <SelectField
      label={label}
      name={name}
      required
      defaultValue={initial?.[name] ?? ''}
      placeholder="Choose…"
      options={namedOptions(choices)}
      errors={e(name)}
    />
  );
}

export function AboutSection({
  mode,
  initial,
  e,
  environments,
  classification,
  onClassification,
}: Common & {
  mode: 'create' | 'edit';
  environments: Option[];
  classification: Classification | '';
  onClassification: (value: Classification | '') => void;
}) {
  return (
    <FormSection title="The secret" description="What it is and how much harm a leak would do.">
      <div className="sm:col-span-2">
        <TextField
          label="Name"
          name="name"
          required
          maxLength={200}
          autoComplete="off"
          spellCheck={false}
          defaultValue={initial?.name}
          hint="Unique within its environment, e.g. payments-db-password."
          errors={e('name')}
        />
      </div>
      <div className="sm:col-span-2">
        <TextAreaField
          label="Description"
          name="description"
          maxLength={2000}
          defaultValue={initial?.description}
          hint="What it unlocks and anything a person rotating it should know."
          errors={e('description')}
        />
      </div>
      <NamedChoice label="Environment" name="environmentId" choices={environments} initial={initial} e={e} />
      <SelectField
        label="Classification"
        name="classification"
        required
        value={classification}
        onChange={(event) => onClassification(event.target.value as Classification | '')}
        placeholder="Choose…"
        options={optionsOf(CLASSIFICATION_LABELS)}
        hint="Critical: a leak stops the business or exposes customer data."
        errors={e('classification')}
      />
      {mode === 'edit' && (
        <SelectField
          label="Status"
          name="status"
          required
          defaultValue={initial?.status ?? 'active'}
          // Decommissioning asks for a reason, so it happens on the detail page, not here.
          options={optionsOf(STATUS_LABELS).filter((o) => o.value !== 'decommissioned' || initial?.status === 'decommissioned')}
          errors={e('status')}
        />
      )}
    </FormSection>
  );
}

export function OwnershipSection({ initial, e, teams }: Common & { teams: Option[] }) {
  return (
    <FormSection title="Ownership" description="Who answers for this secret and whom to ask about it.">
      <NamedChoice label="Owner team" name="ownerTeamId" choices={teams} initial={initial} e={e} />
      <TextField
        label="Contact person"
        name="contactPerson"
        maxLength={200}
        autoComplete="off"
        defaultValue={initial?.contactPerson ?? ''}
        hint="Optional. A name or email."
        errors={e('contactPerson')}
      />
    </FormSection>
  );
}

export function LocationSection({
  initial,
  e,
  connections,
  connectionId,
  onConnection,
  providerKind,
  onProviderKind,
}: Common & {
  connections: ConnectionOption[];
  connectionId: string;
  onConnection: (id: string) => void;
  providerKind: ProviderKind;
  onProviderKind: (kind: ProviderKind) => void;
}) {
  const connection = connections.find((c) => c.id === connectionId);
  // The kind a connection decides is shown (not submitted: the server takes it from the connection).
  const shownKind: ProviderKind = connection?.kind ?? providerKind;
  return (
    <FormSection title="Where it lives" description="The secret manager that holds the value.">
      <SelectField
        label="Connection"
        name="connectionId"
        value={connectionId}
        onChange={(event) => onConnection(event.target.value)}
        placeholder="None (inventory only)"
        options={connections.map((c) => ({
          value: c.id,
          label: c.kind === 'local' ? `${c.name} (local, development only)` : `${c.name} (${c.kind.toUpperCase()})`,
        }))}
        hint={
          connections.length
            ? 'Optional. The connection values are written through; it decides the provider.'
            : 'No provider connections yet; an administrator adds them under Providers.'
        }
        errors={e('connectionId')}
      />
      <SelectField
        label="Provider"
        name="providerKind"
        value={shownKind}
        onChange={(event) => onProviderKind(event.target.value as ProviderKind)}
        disabled={Boolean(connection)}
        options={optionsOf(PROVIDER_LABELS)}
        hint={connection ? 'Set by the connection.' : undefined}
        errors={e('providerKind')}
      />
      <div className="sm:col-span-2">
        <CodeField
          label="Provider reference"
          name="providerRef"
          maxLength={2048}
          defaultValue={initial?.providerRef}
          placeholder={REF_PLACEHOLDERS[shownKind]}
          hint={connection ? CONNECTED_REF_HINTS[connection.kind] : REF_HINT}
          errors={e('providerRef')}
        />
      </div>
    </FormSection>
  );
}

export function UsageSection({ initial, e, searchSystems }: Common & { searchSystems: SystemSearch }) {
  return (
    <FormSection title="Usage" description="The systems that read this secret, and tags for finding it.">
      <div className="sm:col-span-2">
        <SystemMultiSelect
          name="consumerSystemIds"
          label="Consuming systems"
          hint="Search by name; choose as many as apply."
          initial={initial?.consumers ?? []}
          search={searchSystems}
          errors={e('consumerSystemIds')}
        />
      </div>
      <div className="sm:col-span-2">
        <TextField
          label="Tags"
          name="tags"
          autoComplete="off"
          spellCheck={false}
          defaultValue={initial?.tags.join(', ')}
          placeholder="pci, database"
          hint="Comma separated. Lower-case letters, digits and . _ : - (at most 20)."
          errors={e('tags')}
        />
      </div>
    </FormSection>
  );
}
