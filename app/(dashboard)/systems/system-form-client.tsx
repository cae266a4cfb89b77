'use client';
import { SYSTEM_STATUS_LABELS } from '@/components/catalog/system-status-badge';
import { SelectField, TextAreaField } from '@/components/ui/field';
import { DescriptionField, NameField, RecordForm } from '@/components/ui/record-form';
import { useRecordForm } from '@/components/ui/use-record-form';
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
  const action = system ? (values: Record<string, string | string[]>) => updateSystemAction(system.id, values) : createSystemAction;
  const form = useRecordForm(action, (id) => `/systems/${id}`);
  const { fieldErrors } = form;
  return (
    <RecordForm form={form} editedAt={system?.updatedAt} createLabel="Create system" cancelHref={system ? `/systems/${system.id}` : '/systems'}>
      <NameField
        defaultValue={system?.name}
        maxLength={200}
        spellCheck={false}
        hint="Unique; the service or job as people know it, e.g. “billing-api”."
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
      <DescriptionField defaultValue={system?.description} about="What it does and where it runs." errors={fieldErrors.description} />
      <TextAreaField
        label="Identities"
        name="principals"
        defaultValue={system?.principals.join('\n')}
        rows={3}
        spellCheck={false}
        hint="Optional. Who it is in the logs, one per line: IAM role or user ARNs and service-account emails it reads secrets as (the Access tab matches readers against these, or, when empty, the system's name); for database credentials with alternating users, its client address (10.0.0.5) or app:<application name> as the database's session list shows it. Rotations use them to see it move to a new value."
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
    </RecordForm>
  );
}
