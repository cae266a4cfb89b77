'use client';
// The one form for adding and editing a secret's metadata (never its value). Fields map
// one to one onto ZSecretInput; the action's per-field messages appear under each field
// and focus moves to the first field that needs attention. The sections live in
// secret-form-sections.tsx and secret-form-rotation.tsx; this file holds the state the
// sections share (classification drives the interval, the connection the provider).
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { Classification, ProviderKind, RotationStrategy } from '@/generated/prisma/enums';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import type { FieldErrors } from '@/lib/errors';
import type { PolicyDefaults } from './policy-defaults';
import { ExpirySection } from './secret-form-expiry';
import { RotationSection } from './secret-form-rotation';
import { AboutSection, LocationSection, OwnershipSection, UsageSection } from './secret-form-sections';
import { day, type ConnectionOption, type Option, type SecretFormValues } from './secret-form-values';
import type { SystemSearch } from './system-combobox';

export type { ConnectionOption, SecretFormValues } from './secret-form-values';

type SaveResult = { ok: true; id: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

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
  const [classification, setClassification] = useState<Classification | ''>(initial?.classification ?? '');
  const [strategy, setStrategy] = useState<RotationStrategy>(initial?.rotationStrategy ?? 'manual');
  // A new secret's interval follows its classification's default until the person edits
  // it (clearing it keeps "no policy"). A hint only: the server stores what is submitted.
  const [intervalText, setIntervalText] = useState(initial?.rotationIntervalDays ? String(initial.rotationIntervalDays) : '');
  const [intervalEdited, setIntervalEdited] = useState(mode === 'edit');

  function chooseClassification(value: Classification | '') {
    setClassification(value);
    if (!intervalEdited) setIntervalText(value ? String(policyDefaults[value].intervalDays) : '');
  }

  // A stored timestamp shown as a day would be saved back as midnight; keep the original
  // unless the person picked another day, so an untouched field is not a change.
  // The same for the expiry (a certificate's notAfter has a time of day, and keeps its source).
  const submit = (values: Record<string, string | string[]>) =>
    action({
      ...values,
      ...(initial?.lastRotatedAt && values.lastRotatedAt === day(initial.lastRotatedAt) ? { lastRotatedAt: initial.lastRotatedAt } : {}),
      ...(initial?.expiresAt && values.expiresAt === day(initial.expiresAt) ? { expiresAt: initial.expiresAt } : {}),
    });

  const { onSubmit, pending, error, fieldErrors } = useActionForm(submit, (result) => {
    router.push(`/inventory/${result.id}`);
  });

  useEffect(() => {
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) invalid.focus();
    else if (error) errorRef.current?.focus();
  }, [error, fieldErrors]);

  // What every section reads: the saved values and the last save's messages.
  const common = { initial, e: (field: string) => fieldErrors[field] };

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-6">
      {error && (
        <div ref={errorRef} tabIndex={-1} className="outline-none">
          <Alert>{error}</Alert>
        </div>
      )}
      {mode === 'edit' && initial && <input type="hidden" name="expectedUpdatedAt" value={initial.updatedAt} />}

      <div className="space-y-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <AboutSection {...common} mode={mode} environments={environments} classification={classification} onClassification={chooseClassification} />
        <OwnershipSection {...common} teams={teams} />
        <LocationSection
          {...common}
          connections={connections}
          connectionId={connectionId}
          onConnection={setConnectionId}
          providerKind={providerKind}
          onProviderKind={setProviderKind}
        />
        <RotationSection
          {...common}
          mode={mode}
          classification={classification}
          policyDefaults={policyDefaults}
          interval={{
            text: intervalText,
            edited: intervalEdited,
            onChange: (text) => {
              setIntervalText(text);
              setIntervalEdited(true);
            },
          }}
          strategy={strategy}
          onStrategy={setStrategy}
        />
        <ExpirySection {...common} />
        <UsageSection {...common} searchSystems={searchSystems} />
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
