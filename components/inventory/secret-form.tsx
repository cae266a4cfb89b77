'use client';
// The one form for adding and editing a secret's metadata (never its value). Fields map
// one to one onto ZSecretInput; the action's per-field messages appear under each field
// and focus moves to the first field that needs attention.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { Classification, ConnectionKind, ProviderKind, SecretStatus } from '@/generated/prisma/enums';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { SelectField, TextAreaField, TextField } from '@/components/ui/field';
import type { FieldErrors } from '@/lib/errors';
import { CLASSIFICATION_LABELS, PROVIDER_LABELS, STATUS_LABELS } from './labels';
import { SystemMultiSelect, type SystemOption, type SystemSearch } from './system-combobox';

export type SecretFormValues = {
  name: string;
  description: string;
  environmentId: string;
  ownerTeamId: string;
  contactPerson: string | null;
  classification: Classification;
  status: SecretStatus;
  providerKind: ProviderKind;
  providerRef: string;
  connectionId: string | null;
  lastRotatedAt: string | null;
  rotationIntervalDays: number | null;
  tags: string[];
  consumers: SystemOption[];
  updatedAt: string;
};

type Option = { id: string; name: string };
export type ConnectionOption = { id: string; name: string; kind: ConnectionKind };
type SaveResult = { ok: true; id: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

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
const CONNECTED_REF_HINTS: Record<ConnectionKind, string> = {
  aws: 'The secret’s name in AWS Secrets Manager or its ARN. Leave empty to use <environment>/<name>. Never paste the value itself.',
  gcp: 'The secret id, or projects/<project>/secrets/<id>. Leave empty to use <environment>-<name>. Never paste the value itself.',
  local: 'A name of letters, digits and / _ . -. Leave empty to use <environment>/<name>. Never paste the value itself.',
};

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

// Option lists from the label maps (typed by the enums), not from lib/validation: that
// module builds zod schemas on import, and zod probes `new Function` in the browser,
// which the Content-Security-Policy reports as a violation.
const optionsOf = <K extends string>(labels: Record<K, string>) =>
  (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <fieldset className="grid gap-x-6 gap-y-5 border-t border-slate-200 pt-6 first:border-t-0 first:pt-0 md:grid-cols-3">
      <div>
        <legend className="text-sm font-semibold text-slate-900">{title}</legend>
        {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      </div>
      <div className="grid gap-5 sm:grid-cols-2 md:col-span-2">{children}</div>
    </fieldset>
  );
}

export function SecretForm({
  mode,
  initial,
  environments,
  teams,
  connections,
  action,
  searchSystems,
  cancelHref,
}: {
  mode: 'create' | 'edit';
  initial?: SecretFormValues;
  environments: Option[];
  teams: Option[];
  connections: ConnectionOption[];
  action: (input: Record<string, string | string[]>) => Promise<SaveResult>;
  searchSystems: SystemSearch;
  cancelHref: string;
}) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const [providerKind, setProviderKind] = useState<ProviderKind>(initial?.providerKind ?? 'other');
  const [connectionId, setConnectionId] = useState(initial?.connectionId ?? '');
  const connection = connections.find((c) => c.id === connectionId);
  // The kind a connection decides is shown (not submitted: the server takes it from the connection).
  const shownKind: ProviderKind = connection?.kind ?? providerKind;
  const today = new Date().toISOString().slice(0, 10);

  // A stored timestamp shown as a day would be saved back as midnight; keep the original
  // unless the person picked another day, so an untouched field is not a change.
  const submit = (values: Record<string, string | string[]>) =>
    action(
      initial?.lastRotatedAt && values.lastRotatedAt === day(initial.lastRotatedAt)
        ? { ...values, lastRotatedAt: initial.lastRotatedAt }
        : values,
    );

  const { onSubmit, pending, error, fieldErrors } = useActionForm(submit, (result) => {
    router.push(`/inventory/${result.id}`);
  });

  useEffect(() => {
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) invalid.focus();
    else if (error) errorRef.current?.focus();
  }, [error, fieldErrors]);

  const e = (field: string) => fieldErrors[field];

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-6">
      {error && (
        <div ref={errorRef} tabIndex={-1} className="outline-none">
          <Alert>{error}</Alert>
        </div>
      )}
      {mode === 'edit' && initial && <input type="hidden" name="expectedUpdatedAt" value={initial.updatedAt} />}

      <div className="space-y-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <Section title="The secret" description="What it is and how much harm a leak would do.">
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
          <SelectField
            label="Environment"
            name="environmentId"
            required
            defaultValue={initial?.environmentId ?? ''}
            placeholder="Choose…"
            options={environments.map((o) => ({ value: o.id, label: o.name }))}
            errors={e('environmentId')}
          />
          <SelectField
            label="Classification"
            name="classification"
            required
            defaultValue={initial?.classification ?? ''}
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
        </Section>

        <Section title="Ownership" description="Who answers for this secret and whom to ask about it.">
          <SelectField
            label="Owner team"
            name="ownerTeamId"
            required
            defaultValue={initial?.ownerTeamId ?? ''}
            placeholder="Choose…"
            options={teams.map((o) => ({ value: o.id, label: o.name }))}
            errors={e('ownerTeamId')}
          />
          <TextField
            label="Contact person"
            name="contactPerson"
            maxLength={200}
            autoComplete="off"
            defaultValue={initial?.contactPerson ?? ''}
            hint="Optional. A name or email."
            errors={e('contactPerson')}
          />
        </Section>

        <Section title="Where it lives" description="The secret manager that holds the value.">
          <SelectField
            label="Connection"
            name="connectionId"
            value={connectionId}
            onChange={(event) => setConnectionId(event.target.value)}
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
            onChange={(event) => setProviderKind(event.target.value as ProviderKind)}
            disabled={Boolean(connection)}
            options={optionsOf(PROVIDER_LABELS)}
            hint={connection ? 'Set by the connection.' : undefined}
            errors={e('providerKind')}
          />
          <div className="sm:col-span-2">
            <TextField
              label="Provider reference"
              name="providerRef"
              maxLength={2048}
              autoComplete="off"
              spellCheck={false}
              defaultValue={initial?.providerRef}
              placeholder={REF_PLACEHOLDERS[shownKind]}
              hint={connection ? CONNECTED_REF_HINTS[connection.kind] : REF_HINT}
              errors={e('providerRef')}
              className="font-mono"
            />
          </div>
        </Section>

        <Section title="Rotation" description="Leave the interval empty if this secret has no rotation policy.">
          <TextField
            label="Last rotated"
            name="lastRotatedAt"
            type="date"
            max={today}
            defaultValue={day(initial?.lastRotatedAt ?? null)}
            hint="Empty if it was never rotated."
            errors={e('lastRotatedAt')}
          />
          <TextField
            label="Rotation interval (days)"
            name="rotationIntervalDays"
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            step={1}
            defaultValue={initial?.rotationIntervalDays ?? ''}
            hint="For example 90. Between 1 and 3650."
            errors={e('rotationIntervalDays')}
          />
        </Section>

        <Section title="Usage" description="The systems that read this secret, and tags for finding it.">
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
        </Section>
      </div>

      <div className="flex items-center justify-end gap-2">
        <LinkButton href={cancelHref} variant="ghost">
          Cancel
        </LinkButton>
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : mode === 'create' ? 'Add secret' : 'Save changes'}
        </Button>
      </div>
    </form>
  );
}
