'use client';
// Administrators add a member by email and remove members; the page lists them.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { addTeamMemberAction, removeTeamMemberAction } from '../actions';

const REQUEST_FAILED = 'The request did not reach the server. Check your connection and try again.';

export function AddMemberForm({ teamId }: { teamId: string }) {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<string[]>();
  const [pending, startTransition] = useTransition();

  function add(event: React.FormEvent) {
    event.preventDefault();
    setErrors(undefined);
    startTransition(async () => {
      const result = await addTeamMemberAction(teamId, { email }).catch(() => ({ ok: false as const, error: REQUEST_FAILED, fieldErrors: undefined }));
      if (!result.ok) {
        setErrors(result.fieldErrors?.email ?? [result.error]);
        return;
      }
      setEmail('');
      router.refresh();
    });
  }

  return (
    <form onSubmit={add} className="flex flex-wrap items-end gap-2">
      <div className="min-w-64 flex-1">
        <Field label="Add a member" name="member-email" hint="The email of an existing account." errors={errors}>
          {(a11y) => <input {...a11y} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
      </div>
      <Button type="submit" disabled={pending || !email.trim()} className="mb-6">
        {pending ? 'Adding…' : 'Add'}
      </Button>
    </form>
  );
}

export function RemoveMemberButton({ teamId, userId, name }: { teamId: string; userId: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function remove() {
    setError(undefined);
    startTransition(async () => {
      const result = await removeTeamMemberAction(teamId, { userId }).catch(() => ({ ok: false as const, error: REQUEST_FAILED }));
      if (!result.ok) setError(result.error);
      else router.refresh();
    });
  }

  return (
    <span className="inline-flex flex-col items-end">
      <Button type="button" variant="secondary" onClick={remove} disabled={pending} className="py-1" aria-label={`Remove ${name} from the team`}>
        {pending ? 'Removing…' : 'Remove'}
      </Button>
      {error && (
        <span role="alert" className="mt-1 text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
