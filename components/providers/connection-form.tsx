'use client';
// Create or edit a provider connection. The kind select decides which fields show; the
// fields of other kinds are not submitted and the server clears them. Validation is the
// server's (lib/validation/provider-connection.ts): its per-field messages appear under
// each field and focus moves to the first field that needs attention.
import { useState } from 'react';
import type { ConnectionKind } from '@/generated/prisma/enums';
import { useSettingsForm } from '@/components/forms/use-settings-form';
import { Alert } from '@/components/ui/alert';
import { CodeField, SelectField } from '@/components/ui/field';
import { NameField, RecordForm } from '@/components/ui/record-form';
import type { FieldErrors } from '@/lib/errors';
import type { ConnectionColumns } from '@/lib/providers/connection-config';
import { CONNECTION_KIND_LABELS } from './labels';

export type ConnectionFormValues = ConnectionColumns & {
  id: string;
  name: string;
  updatedAt: string;
  secretCount: number;
};

type SaveResult = { ok: true; id: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

const KIND_OPTIONS = (Object.keys(CONNECTION_KIND_LABELS) as ConnectionKind[]).map((value) => ({
  value,
  label: value === 'local' ? `${CONNECTION_KIND_LABELS[value]} (development only)` : CONNECTION_KIND_LABELS[value],
}));

/** The fields each cloud kind adds (the endpoint override, shared by both, follows them). */
const KIND_FIELDS: Record<
  'aws' | 'gcp',
  { label: string; name: 'region' | 'roleArn' | 'projectId' | 'location'; required?: true; placeholder: string; hint: string }[]
> = {
  aws: [
    {
      label: 'Region',
      name: 'region',
      required: true,
      placeholder: 'eu-west-1',
      hint: 'The AWS region code, e.g. us-east-1, eu-central-2 or us-gov-west-1.',
    },
    {
      label: 'Role to assume',
      name: 'roleArn',
      placeholder: 'arn:aws:iam::123456789012:role/secrets-dashboard',
      hint: 'Optional. An IAM role ARN the dashboard assumes with its own identity, e.g. to reach another account.',
    },
  ],
  gcp: [
    {
      label: 'Project id',
      name: 'projectId',
      required: true,
      placeholder: 'acme-prod',
      hint: 'The project that holds the secrets (its id, not its display name).',
    },
    {
      label: 'Location',
      name: 'location',
      placeholder: 'europe-west1',
      hint: 'Optional. Only for regional secrets; leave empty for global ones.',
    },
  ],
};

export function ConnectionForm({
  connection,
  action,
  cancelHref,
}: {
  connection?: ConnectionFormValues;
  action: (input: Record<string, string | string[]>) => Promise<SaveResult>;
  cancelHref: string;
}) {
  const [kind, setKind] = useState<ConnectionKind | ''>(connection?.kind ?? '');
  const form = useSettingsForm({
    editing: Boolean(connection),
    action,
    pageOf: (id) => `/settings/providers/${id}`,
  });
  const e = form.field;
  const kindLocked = Boolean(connection && connection.secretCount > 0);

  return (
    <RecordForm form={form} editedAt={connection?.updatedAt} createLabel="Create connection" cancelHref={cancelHref}>
      <NameField defaultValue={connection?.name} hint="How the connection appears in the secret form, e.g. “AWS production (eu-west-1)”." errors={e('name')} />
      <SelectField
        label="Kind"
        name="kind"
        required
        value={kind}
        onChange={(event) => setKind(event.target.value as ConnectionKind | '')}
        placeholder={connection ? undefined : 'Choose…'}
        options={KIND_OPTIONS}
        hint={kindLocked ? 'Secrets use this connection, so its kind cannot change.' : 'Which secret manager this connection reaches.'}
        disabled={kindLocked}
        errors={e('kind')}
      />
      {/* A disabled select is not submitted; the locked kind still has to be. */}
      {kindLocked && <input type="hidden" name="kind" value={kind} />}

      {(kind === 'aws' || kind === 'gcp') &&
        KIND_FIELDS[kind].map((f) => (
          <CodeField
            key={f.name}
            label={f.label}
            name={f.name}
            required={f.required}
            defaultValue={connection?.[f.name] ?? ''}
            placeholder={f.placeholder}
            hint={f.hint}
            errors={e(f.name)}
          />
        ))}
      {(kind === 'aws' || kind === 'gcp') && (
        <CodeField
          label="Endpoint override"
          name="endpoint"
          type="url"
          defaultValue={connection?.endpoint ?? ''}
          placeholder={kind === 'aws' ? 'https://vpce-….secretsmanager.eu-west-1.vpce.amazonaws.com' : 'https://secretmanager.googleapis.com'}
          hint={
            kind === 'gcp'
              ? "Optional; leave empty for the public one. Private addresses need the operator's EGRESS_ALLOW; https:// hosts other than *.googleapis.com need GCP_TRUSTED_ENDPOINTS (they would receive the server's Google token)."
              : "Optional; leave empty for the public one. A VPC endpoint on a private address needs the operator's EGRESS_ALLOW."
          }
          errors={e('endpoint')}
        />
      )}
      {kind === 'local' && (
        <Alert tone="info">
          The local provider keeps values on this server for development and tests. Do not use it for real secrets. In production it is refused unless the
          operator sets ALLOW_LOCAL_PROVIDER=true.
        </Alert>
      )}
    </RecordForm>
  );
}
