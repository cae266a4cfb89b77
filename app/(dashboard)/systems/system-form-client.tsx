'use client';
import { useRouter } from 'next/navigation';
import { SYSTEM_STATUS_LABELS } from '@/components/catalog/system-status-badge';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { SelectField, TextAreaField, TextField } from '@/components/ui/field';
import { useActionForm } from '@/components/forms/use-action-form';
import type { Option } from '@/lib/data/catalog';
import { createSystemAction, updateSystemAction } from './actions';

type EditedSystem = {
  id: string;
  name: string;
  description: string;
  principals: string[];
  ownerTeamId: string;
  status: 'active' | 'decommissioned';
  updatedAt: string;
};

const STATUS_OPTIONS = Object.entries(SYSTEM_STATUS_LABELS).map(([value, label]) => ({ value, label }));

/** Create a system, or edit one when `system` is given. */
export function SystemForm({ teams, system, ownerTeamId }: { teams: Option[]; system?: EditedSystem; ownerTeamId?: string }) {
  const router = useRouter();
  const action = system ? (values: Record<string, string | string[]>) => updateSystemAction(system.id, values) : createSystemAction;
  const { onSubmit, pending, error, fieldErrors } = useActionForm(action, (result) => {
    router.push(`/systems/${result.id}`);
    router.refresh();
  });
  return (
    <form onSubmit={onSubmit} className="max-w-xl space-y-5" noValidate>
      {error && <Alert>{error}</Alert>}
      {system && <input type="hidden" name="expectedUpdatedAt" value={system.updatedAt} />}
      <TextField
        label="Name"
        name="name"
        defaultValue={system?.name}
        maxLength={200}
        autoComplete="off"
        spellCheck={false}
        hint="Unique; the service or job as people know it, e.g. “billing-api”."
        required
        errors={fieldErrors.name}
      />
      <SelectField
        label="Owner team"
        name="ownerTeamId"
        defaultValue={system?.ownerTeamId ?? ownerTeamId ?? ''}
        placeholder="Choose a team"
        options={teams.map((t) => ({ value: t.id, label: t.name }))}
        hint="The team that runs this system and answers for it."
        required
        errors={fieldErrors.ownerTeamId}
      />
      <TextAreaField
        label="Description"
        name="description"
        defaultValue={system?.description}
        maxLength={1000}
        rows={4}
        hint="Optional. What it does and where it runs. At most 1000 characters."
        errors={fieldErrors.description}
      />
      <TextAreaField
        label="Cloud principals"
        name="principals"
        defaultValue={system?.principals.join('\n')}
        rows={3}
        spellCheck={false}
        hint="Optional. The identities it reads secrets as, one per line: IAM role or user ARNs, service-account emails. The Access tab of a secret matches its readers against these (or, when empty, against the system's name)."
        errors={fieldErrors.principals}
      />
      <SelectField
        label="Status"
        name="status"
        defaultValue={system?.status ?? 'active'}
        options={STATUS_OPTIONS}
        hint="Decommissioned systems stay listed on the secrets that used them, marked as such."
        errors={fieldErrors.status}
      />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : system ? 'Save changes' : 'Create system'}
        </Button>
        <LinkButton href={system ? `/systems/${system.id}` : '/systems'}>Cancel</LinkButton>
      </div>
    </form>
  );
}
