'use client';
import { useRouter } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { TextAreaField, TextField } from '@/components/ui/field';
import { useActionForm } from '@/components/forms/use-action-form';
import { createTeamAction, updateTeamAction } from './actions';

type EditedTeam = { id: string; name: string; description: string; updatedAt: string };

/** Create a team, or edit one when `team` is given. */
export function TeamForm({ team }: { team?: EditedTeam }) {
  const router = useRouter();
  const action = team ? (values: Record<string, string | string[]>) => updateTeamAction(team.id, values) : createTeamAction;
  const { onSubmit, pending, error, fieldErrors } = useActionForm(action, (result) => {
    router.push(`/teams/${result.id}`);
    router.refresh();
  });
  return (
    <form onSubmit={onSubmit} className="max-w-xl space-y-5" noValidate>
      {error && <Alert>{error}</Alert>}
      {team && <input type="hidden" name="expectedUpdatedAt" value={team.updatedAt} />}
      <TextField
        label="Name"
        name="name"
        defaultValue={team?.name}
        maxLength={100}
        autoComplete="off"
        hint="Unique; how the team appears in the inventory, e.g. “Payments platform”."
        required
        errors={fieldErrors.name}
      />
      <TextAreaField
        label="Description"
        name="description"
        defaultValue={team?.description}
        maxLength={1000}
        rows={4}
        hint="Optional. What the team does and how to reach it (channel, on-call rota). At most 1000 characters."
        errors={fieldErrors.description}
      />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : team ? 'Save changes' : 'Create team'}
        </Button>
        <LinkButton href={team ? `/teams/${team.id}` : '/teams'}>Cancel</LinkButton>
      </div>
    </form>
  );
}
