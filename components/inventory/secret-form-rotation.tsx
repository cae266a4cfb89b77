// The secret form's Rotation section: dates, interval, strategy with its own settings,
// grace and reminders, and automatic rotation.
import { useState } from 'react';
import type { Classification, RotationStrategy } from '@/generated/prisma/enums';
import { CodeField, FieldNotes, SelectField, TextField } from '@/components/ui/field';
import { FormSection } from '@/components/ui/form-section';
import { ALPHABET_NAMES, ALPHABETS, GENERATED_LENGTH } from '@/lib/values/alphabets';
import { CLASSIFICATION_LABELS, STRAGGLER_POLICY_LABELS, STRATEGY_LABELS } from './labels';
import type { PolicyDefaults } from './policy-defaults';
import { day, optionsOf, type FieldErrorsOf, type SecretFormValues } from './secret-form-values';

const STRATEGY_HINTS: Record<RotationStrategy, string> = {
  manual: 'A runbook in the dashboard: someone creates the new key at the vendor, enters it and confirms it works.',
  generated: 'The server generates a new random value and writes it to the provider.',
  postgres_role: 'The server sets a new PostgreSQL role password and verifies it by logging in.',
  provider_native: 'AWS rotates it with the secret’s own rotation Lambda; the dashboard follows it.',
  mysql_user: 'The server sets a new MySQL/MariaDB user password and verifies it by logging in.',
  alternating_users: 'Two database users with the same grants take turns: the idle one gets a new password, consumers move to it, then the old one is retired.',
};

type Setting = (key: string, fallback?: string | number) => { name: string; defaultValue: string | number; errors: string[] | undefined };
type SettingProps = ReturnType<Setting>;

const ENGINE_OPTIONS = [
  { value: 'postgres', label: 'PostgreSQL' },
  { value: 'mysql', label: 'MySQL / MariaDB' },
];

const TLS_OPTIONS = [
  { value: 'verify-full', label: 'verify-full: certificate and host name checked' },
  { value: 'require', label: 'require: encrypted, certificate not checked' },
  { value: 'disable', label: 'disable: no TLS' },
];

const RETIRE_OPTIONS = [
  { value: 'random_password', label: 'A random password nobody holds' },
  { value: 'disable_login', label: 'Disabling its login (NOLOGIN / ACCOUNT LOCK)' },
];

function AdminCredentialField(props: SettingProps) {
  return (
    <CodeField
      label="Admin credential secret (id)"
      required
      hint="A secret of the same connection that an administrator marked as a database admin credential; its value is the admin connection (JSON, or a postgres:// or mysql:// URL), its id is in its address. The host it names must be on Settings → Database hosts."
      {...props}
    />
  );
}

function TlsField(props: SettingProps) {
  return (
    <SelectField
      label="TLS to the database"
      options={TLS_OPTIONS}
      hint="Less than verify-full works only for hosts whose allowlist entry allows it."
      {...props}
    />
  );
}

/** Two users with the same grants, set up once by an admin; the secret's value names one of them. */
function AlternatingUsersSettings({ setting }: { setting: Setting }) {
  const engineSetting = setting('engine', 'postgres');
  const [engine, setEngine] = useState(String(engineSetting.defaultValue));
  const { defaultValue: _initialEngine, ...engineProps } = engineSetting;
  return (
    <>
      <SelectField
        label="Database"
        options={ENGINE_OPTIONS}
        value={engine}
        onChange={(event) => setEngine(event.target.value)}
        hint="The server both users live on; the admin credential must be for it."
        {...engineProps}
      />
      <AdminCredentialField {...setting('adminSecretId')} />
      <CodeField
        label="First user"
        required
        hint="Each rotation gives the user the current value does not name a new password and makes it the active one; a secret with no value yet starts with this user."
        placeholder="orders_app_a"
        {...setting('userA')}
      />
      <CodeField
        label="Second user"
        required
        hint="Same grants as the first; the two take turns, so consumers keep working while they move."
        placeholder="orders_app_b"
        {...setting('userB')}
      />
      {engine === 'mysql' ? (
        <CodeField
          label="Account host (MySQL/MariaDB only)"
          hint="The host part of both accounts, as in 'orders_app_a'@'%'. Empty: %. PostgreSQL has no such part."
          placeholder="%"
          {...setting('accountHost')}
        />
      ) : null}
      <TlsField {...setting('sslmode', 'verify-full')} />
      <div className="sm:col-span-2">
        <SelectField
          label="Retire the old user by"
          options={RETIRE_OPTIONS}
          hint="Once every consumer has moved (or the grace period ends), the user the new value replaced is retired this way. The next rotation makes it active again with a new password."
          {...setting('retireMode', 'random_password')}
        />
      </div>
    </>
  );
}

/** The chosen strategy's own settings (Secret.rotationConfig; lib/validation/rotation-config.ts). */
function StrategySettings({
  strategy,
  config,
  errors,
}: {
  strategy: RotationStrategy;
  config: Record<string, string | number | null> | null;
  errors: FieldErrorsOf;
}) {
  const text = (key: string) => (config?.[key] === null || config?.[key] === undefined ? '' : String(config[key]));
  // A setting's name, saved value (or its default) and messages all follow from its key.
  const setting: Setting = (key, fallback = '') => ({ name: key, defaultValue: text(key) || fallback, errors: errors(key) });
  if (strategy === 'generated') {
    return (
      <>
        <SelectField
          label="Characters"
          options={ALPHABET_NAMES.map((name) => ({ value: name, label: ALPHABETS[name].label }))}
          {...setting('alphabet', 'alphanumeric')}
        />
        <TextField
          label="Length"
          type="number"
          inputMode="numeric"
          min={GENERATED_LENGTH.min}
          max={GENERATED_LENGTH.max}
          hint={`${GENERATED_LENGTH.min}–${GENERATED_LENGTH.max} characters.`}
          {...setting('length', GENERATED_LENGTH.default)}
        />
      </>
    );
  }
  if (strategy === 'postgres_role') {
    return (
      <>
        <CodeField label="PostgreSQL role" required hint="The role whose password this secret holds (ALTER ROLE … PASSWORD)." {...setting('role')} />
        <AdminCredentialField {...setting('adminSecretId')} />
        <TlsField {...setting('sslmode', 'verify-full')} />
      </>
    );
  }
  if (strategy === 'mysql_user') {
    return (
      <>
        <CodeField label="MySQL/MariaDB user" required hint="The user whose password this secret holds (ALTER USER … IDENTIFIED BY)." {...setting('user')} />
        <CodeField label="Account host" hint="The host part of the account, as in 'orders_app'@'%'. Empty: %." placeholder="%" {...setting('accountHost')} />
        <AdminCredentialField {...setting('adminSecretId')} />
        <TlsField {...setting('sslmode', 'verify-full')} />
      </>
    );
  }
  if (strategy === 'alternating_users') {
    return <AlternatingUsersSettings setting={setting} />;
  }
  if (strategy === 'provider_native') {
    return (
      <div className="sm:col-span-2">
        <CodeField label="Rotation Lambda ARN" hint="Optional when the secret already has a rotation Lambda in AWS." {...setting('lambdaArn')} />
      </div>
    );
  }
  return null;
}

/** Automatic rotation: the worker starts a rotation by itself when the secret falls due. */
function AutoRotateField({ manual, defaultChecked, errors }: { manual: boolean; defaultChecked: boolean; errors?: string[] }) {
  const id = 'field-autoRotate';
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2">
        <input
          id={id}
          name="autoRotate"
          type="checkbox"
          // A disabled box is not submitted: manual secrets never rotate automatically.
          disabled={manual}
          defaultChecked={!manual && defaultChecked}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={[`${id}-hint`, errors?.length ? `${id}-error` : undefined].filter(Boolean).join(' ')}
          className="size-4 rounded border-slate-300 text-accent-600 focus:ring-accent-600 disabled:opacity-50"
        />
        <label htmlFor={id} className={manual ? 'text-sm font-medium text-slate-500' : 'text-sm font-medium text-slate-800'}>
          Rotate automatically when due
        </label>
      </div>
      <FieldNotes
        id={id}
        hint={
          manual
            ? 'Not for manual rotations: a person walks through the runbook.'
            : 'The background worker starts a rotation by itself when this secret falls due.'
        }
        errors={errors}
      />
    </div>
  );
}

const STRAGGLER_HINT =
  'During the grace period the Rotation tab shows which consumers have moved to the new value; the old value is retired as soon as all have. If some have not when it ends: retire it anyway, give them one more grace period, or keep the old value working and notify the owning team until they move or someone retires it.';

// The settings a secret may leave to its classification's policy.
const DEFAULTED_FIELDS = [
  {
    label: 'Grace period (hours)',
    name: 'graceHours',
    max: 720,
    hint: 'How long the previous value stays valid after a new one is promoted. Empty: the default.',
  },
  { label: 'Remind before (days)', name: 'reminderDays', max: 365, hint: 'Reminders start this many days before the due date. Empty: the default.' },
] as const;

/** A whole number that, left empty, is the classification's default (shown as the placeholder). */
function DefaultedNumberField({
  label,
  name,
  max,
  hint,
  initial,
  defaults,
  e,
}: {
  label: string;
  name: 'graceHours' | 'reminderDays';
  max: number;
  hint: string;
  initial?: SecretFormValues;
  defaults?: PolicyDefaults[Classification];
  e: FieldErrorsOf;
}) {
  return (
    <TextField
      label={label}
      name={name}
      type="number"
      inputMode="numeric"
      min={0}
      max={max}
      step={1}
      defaultValue={initial?.[name] ?? ''}
      placeholder={defaults ? `Default: ${defaults[name]}` : 'Classification default'}
      hint={hint}
      errors={e(name)}
    />
  );
}

/** The interval as typed, and whether the person typed it (until then it follows the classification). */
export type IntervalState = { text: string; edited: boolean; onChange: (text: string) => void };

export function RotationSection({
  mode,
  initial,
  classification,
  policyDefaults,
  interval,
  strategy,
  onStrategy,
  e,
}: {
  mode: 'create' | 'edit';
  initial?: SecretFormValues;
  classification: Classification | '';
  policyDefaults: PolicyDefaults;
  interval: IntervalState;
  strategy: RotationStrategy;
  onStrategy: (strategy: RotationStrategy) => void;
  e: FieldErrorsOf;
}) {
  const today = new Date().toISOString().slice(0, 10);
  const defaults = classification ? policyDefaults[classification] : undefined;
  return (
    <FormSection
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
        value={interval.text}
        onChange={(event) => interval.onChange(event.target.value)}
        hint={
          mode === 'create' && !interval.edited && classification && defaults
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
          onChange={(event) => onStrategy(event.target.value as RotationStrategy)}
          options={optionsOf(STRATEGY_LABELS)}
          hint={STRATEGY_HINTS[strategy]}
          errors={e('rotationStrategy')}
        />
      </div>
      {DEFAULTED_FIELDS.map((field) => (
        <DefaultedNumberField key={field.name} {...field} initial={initial} defaults={defaults} e={e} />
      ))}
      <div className="sm:col-span-2">
        <SelectField
          label="When the grace period ends and consumers still use the old value"
          name="stragglerPolicy"
          defaultValue={initial?.stragglerPolicy ?? 'retire'}
          options={optionsOf(STRAGGLER_POLICY_LABELS)}
          hint={STRAGGLER_HINT}
          errors={e('stragglerPolicy')}
        />
      </div>
      <div className="sm:col-span-2">
        <AutoRotateField
          key={strategy === 'manual' ? 'manual' : 'automatic'}
          manual={strategy === 'manual'}
          defaultChecked={initial?.autoRotate ?? false}
          errors={e('autoRotate')}
        />
      </div>
      <StrategySettings strategy={strategy} config={initial?.rotationConfig ?? null} errors={e} />
    </FormSection>
  );
}
