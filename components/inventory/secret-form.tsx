'use client';
// The one form for adding and editing a secret's metadata (never its value). Fields map
// one to one onto ZSecretInput; the action's per-field messages appear under each field
// and focus moves to the first field that needs attention.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { Classification, ConnectionKind, ProviderKind, RotationStrategy, SecretStatus } from '@/generated/prisma/enums';
import { useActionForm } from '@/components/forms/use-action-form';
import { ALPHABET_NAMES, ALPHABETS, GENERATED_LENGTH } from '@/lib/values/alphabets';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { SelectField, TextAreaField, TextField } from '@/components/ui/field';
import type { FieldErrors } from '@/lib/errors';
import { CLASSIFICATION_LABELS, PROVIDER_LABELS, STATUS_LABELS, STRATEGY_LABELS } from './labels';
import type { PolicyDefaults } from './policy-defaults';
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
  rotationStrategy: RotationStrategy;
  graceHours: number | null;
  reminderDays: number | null;
  autoRotate: boolean;
  rotationConfig: Record<string, string | number | null> | null;
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

const STRATEGY_HINTS: Record<RotationStrategy, string> = {
  manual: 'A runbook in the dashboard: someone creates the new key at the vendor, enters it and confirms it works.',
  generated: 'The server generates a new random value and writes it to the provider.',
  postgres_role: 'The server sets a new PostgreSQL role password and verifies it by logging in.',
  provider_native: 'AWS rotates it with the secret’s own rotation Lambda; the dashboard follows it.',
};

/** The chosen strategy's own settings (Secret.rotationConfig; lib/validation/rotation-config.ts). */
function StrategySettings({
  strategy,
  config,
  errors,
}: {
  strategy: RotationStrategy;
  config: Record<string, string | number | null> | null;
  errors: (field: string) => string[] | undefined;
}) {
  const text = (key: string) => (config?.[key] === null || config?.[key] === undefined ? '' : String(config[key]));
  if (strategy === 'generated') {
    return (
      <>
        <SelectField
          label="Characters"
          name="alphabet"
          defaultValue={text('alphabet') || 'alphanumeric'}
          options={ALPHABET_NAMES.map((name) => ({ value: name, label: ALPHABETS[name].label }))}
          errors={errors('alphabet')}
        />
        <TextField
          label="Length"
          name="length"
          type="number"
          inputMode="numeric"
          min={GENERATED_LENGTH.min}
          max={GENERATED_LENGTH.max}
          defaultValue={text('length') || GENERATED_LENGTH.default}
          hint={`${GENERATED_LENGTH.min}–${GENERATED_LENGTH.max} characters.`}
          errors={errors('length')}
        />
      </>
    );
  }
  if (strategy === 'postgres_role') {
    return (
      <>
        <TextField
          label="PostgreSQL role"
          name="role"
          required
          autoComplete="off"
          spellCheck={false}
          defaultValue={text('role')}
          hint="The role whose password this secret holds (ALTER ROLE … PASSWORD)."
          errors={errors('role')}
          className="font-mono"
        />
        <TextField
          label="Admin credential secret (id)"
          name="adminSecretId"
          required
          autoComplete="off"
          spellCheck={false}
          defaultValue={text('adminSecretId')}
          hint="A secret of the same connection that an administrator marked as a database admin credential; its value is the admin connection (JSON or postgres:// URL), its id is in its address. The host it names must be on Settings → Database hosts."
          errors={errors('adminSecretId')}
          className="font-mono"
        />
        <SelectField
          label="TLS to the database"
          name="sslmode"
          defaultValue={text('sslmode') || 'verify-full'}
          options={[
            { value: 'verify-full', label: 'verify-full: certificate and host name checked' },
            { value: 'require', label: 'require: encrypted, certificate not checked' },
            { value: 'disable', label: 'disable: no TLS' },
          ]}
          hint="Less than verify-full works only for hosts whose allowlist entry allows it."
          errors={errors('sslmode')}
        />
      </>
    );
  }
  if (strategy === 'provider_native') {
    return (
      <div className="sm:col-span-2">
        <TextField
          label="Rotation Lambda ARN"
          name="lambdaArn"
          autoComplete="off"
          spellCheck={false}
          defaultValue={text('lambdaArn')}
          hint="Optional when the secret already has a rotation Lambda in AWS."
          errors={errors('lambdaArn')}
          className="font-mono"
        />
      </div>
    );
  }
  return null;
}

/** Automatic rotation: the worker starts a rotation by itself when the secret falls due. */
function AutoRotateField({ manual, defaultChecked, errors }: { manual: boolean; defaultChecked: boolean; errors?: string[] }) {
  const hintId = 'field-autoRotate-hint';
  const errorId = errors?.length ? 'field-autoRotate-error' : undefined;
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2">
        <input
          id="field-autoRotate"
          name="autoRotate"
          type="checkbox"
          // A disabled box is not submitted: manual secrets never rotate automatically.
          disabled={manual}
          defaultChecked={!manual && defaultChecked}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={[hintId, errorId].filter(Boolean).join(' ')}
          className="size-4 rounded border-slate-300 text-accent-600 focus:ring-accent-600 disabled:opacity-50"
        />
        <label htmlFor="field-autoRotate" className={manual ? 'text-sm font-medium text-slate-500' : 'text-sm font-medium text-slate-800'}>
          Rotate automatically when due
        </label>
      </div>
      <p id={hintId} className="text-xs text-slate-600">
        {manual
          ? 'Not for manual rotations: a person walks through the runbook.'
          : 'The background worker starts a rotation by itself when this secret falls due.'}
      </p>
      {errors?.length ? (
        <p id={errorId} className="text-sm text-red-700">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

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
  policyDefaults,
  action,
  searchSystems,
  cancelHref,
}: {
  mode: 'create' | 'edit';
  initial?: SecretFormValues;
  environments: Option[];
  teams: Option[];
  connections: ConnectionOption[];
  policyDefaults: PolicyDefaults;
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
  const [classification, setClassification] = useState<Classification | ''>(initial?.classification ?? '');
  const [strategy, setStrategy] = useState<RotationStrategy>(initial?.rotationStrategy ?? 'manual');
  // A new secret's interval follows its classification's default until the person edits
  // it (clearing it keeps "no policy"). A hint only: the server stores what is submitted.
  const [intervalText, setIntervalText] = useState(initial?.rotationIntervalDays ? String(initial.rotationIntervalDays) : '');
  const [intervalEdited, setIntervalEdited] = useState(mode === 'edit');
  const defaults = classification ? policyDefaults[classification] : undefined;

  function chooseClassification(value: Classification | '') {
    setClassification(value);
    if (!intervalEdited) setIntervalText(value ? String(policyDefaults[value].intervalDays) : '');
  }

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
            value={classification}
            onChange={(event) => chooseClassification(event.target.value as Classification | '')}
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

        <Section
          title="Rotation"
          description="How often and how this secret is rotated. Leave the interval empty if it has no rotation policy; leave grace and reminder empty to use the classification's defaults."
        >
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
            value={intervalText}
            onChange={(event) => {
              setIntervalText(event.target.value);
              setIntervalEdited(true);
            }}
            hint={
              mode === 'create' && !intervalEdited && classification && defaults
                ? `The default for ${CLASSIFICATION_LABELS[classification].toLowerCase()} secrets. Clear it for no rotation policy.`
                : 'For example 90. Between 1 and 3650. Empty: no rotation policy.'
            }
            errors={e('rotationIntervalDays')}
          />
          <div className="sm:col-span-2">
            <SelectField
              label="Strategy"
              name="rotationStrategy"
              value={strategy}
              onChange={(event) => setStrategy(event.target.value as RotationStrategy)}
              options={optionsOf(STRATEGY_LABELS)}
              hint={STRATEGY_HINTS[strategy]}
              errors={e('rotationStrategy')}
            />
          </div>
          <TextField
            label="Grace period (hours)"
            name="graceHours"
            type="number"
            inputMode="numeric"
            min={0}
            max={720}
            step={1}
            defaultValue={initial?.graceHours ?? ''}
            placeholder={defaults ? `Default: ${defaults.graceHours}` : 'Classification default'}
            hint="How long the previous value stays valid after a new one is promoted. Empty: the default."
            errors={e('graceHours')}
          />
          <TextField
            label="Remind before (days)"
            name="reminderDays"
            type="number"
            inputMode="numeric"
            min={0}
            max={365}
            step={1}
            defaultValue={initial?.reminderDays ?? ''}
            placeholder={defaults ? `Default: ${defaults.reminderDays}` : 'Classification default'}
            hint="Reminders start this many days before the due date. Empty: the default."
            errors={e('reminderDays')}
          />
          <div className="sm:col-span-2">
            <AutoRotateField
              key={strategy === 'manual' ? 'manual' : 'automatic'}
              manual={strategy === 'manual'}
              defaultChecked={initial?.autoRotate ?? false}
              errors={e('autoRotate')}
            />
          </div>
          <StrategySettings strategy={strategy} config={initial?.rotationConfig ?? null} errors={e} />
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
