'use client';
// Admins mark a secret as holding a database admin credential: only such secrets, of the
// same connection, may be named by a database rotation (lib/data/rotation-inputs.ts).
import { Failure, useStep, type Outcome } from '@/components/forms/use-step';
import { Button } from '@/components/ui/button';

export function DbAdminCredentialToggle({ marked, action }: { marked: boolean; action: (input: { dbAdminCredential: boolean }) => Promise<Outcome> }) {
  const { outcome, pending, run } = useStep();
  const toggle = () => run(() => action({ dbAdminCredential: !marked }).catch(() => ({ ok: false as const, error: 'The request did not reach the server.' })));
  return (
    <span className="flex flex-wrap items-center gap-3">
      <span>{marked ? 'Yes: database rotations of this connection may use it' : 'No'}</span>
      <Button type="button" variant="secondary" onClick={toggle} disabled={pending}>
        {pending ? 'Saving…' : marked ? 'Unmark' : 'Mark as database admin credential'}
      </Button>
      <Failure outcome={outcome} />
    </span>
  );
}
