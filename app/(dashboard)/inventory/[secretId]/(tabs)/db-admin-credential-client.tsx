'use client';
// Admins mark a secret as holding a PostgreSQL admin credential: only such secrets, of the
// same connection, may be named by a PostgreSQL role rotation (lib/data/rotation-inputs.ts).
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

type Result = { ok: true } | { ok: false; error: string };

export function DbAdminCredentialToggle({ marked, action }: { marked: boolean; action: (input: { dbAdminCredential: boolean }) => Promise<Result> }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  function toggle() {
    setError(undefined);
    startTransition(async () => {
      const result = await action({ dbAdminCredential: !marked }).catch(() => ({ ok: false as const, error: 'The request did not reach the server.' }));
      if (result.ok) router.refresh();
      else setError(result.error);
    });
  }
  return (
    <span className="flex flex-wrap items-center gap-3">
      <span>{marked ? 'Yes: PostgreSQL role rotations of this connection may use it' : 'No'}</span>
      <Button type="button" variant="secondary" onClick={toggle} disabled={pending}>
        {pending ? 'Saving…' : marked ? 'Unmark' : 'Mark as database admin credential'}
      </Button>
      {error && <Alert>{error}</Alert>}
    </span>
  );
}
