'use client';
import { DescriptionField, NameField, RecordForm } from '@/components/ui/record-form';
import { useRecordForm } from '@/components/ui/use-record-form';
import { createTeamAction, updateTeamAction } from './actions';

type EditedTeam = { id: string; name: string; description: string; updatedAt: string };

/** Create a team, or edit one when `team` is given. */
export function TeamForm({ team }: { team?: EditedTeam }) {
  const action = team ? (values: Record<string, string | string[]>) => updateTeamAction(team.id, values) : createTeamAction;
  const form = useRecordForm(action, (id) => `/teams/${id}`);
  const { fieldErrors } = form;
  return (
    <RecordForm form={form} editedAt={team?.updatedAt} createLabel="Create team" cancelHref={team ? `/teams/${team.id}` : '/teams'}>
      <NameField defaultValue={team?.name} hint="Unique; how the team appears in the inventory, e.g. “Payments platform”." errors={fieldErrors.name} />
      <DescriptionField
        defaultValue={team?.description}
        about="What the team does and how to reach it (channel, on-call rota)."
        errors={fieldErrors.description}
      />
    </RecordForm>
  );
}
