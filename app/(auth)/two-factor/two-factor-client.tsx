'use client';
import { signOut } from 'next-auth/react';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button, LinkButton } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { confirmTotpAction } from './actions';

const REQUEST_FAILED = 'The request did not reach the server. Check your connection and try again.';

/** Confirms the new factor with a code, then shows the recovery codes: the one time they are visible. */
export function ConfirmTotpForm() {
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string[]>();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '');
    setError(undefined);
    setFieldError(undefined);
    startTransition(async () => {
      const result = await confirmTotpAction({ code }).catch(() => ({ ok: false as const, error: REQUEST_FAILED, fieldErrors: undefined }));
      if (!result.ok) {
        setError(result.error);
        setFieldError(result.fieldErrors?.code);
        return;
      }
      setCodes(result.recoveryCodes.split('\n'));
    });
  }

  if (codes) {
    return (
      <div className="space-y-4">
        <Alert tone="success">Two-factor authentication is on.</Alert>
        <div className="rounded-lg bg-amber-50 p-4 ring-1 ring-amber-200">
          <h2 className="text-sm font-semibold text-slate-900">Your recovery codes</h2>
          <p className="mt-1 text-sm text-slate-800">
            Each signs you in once if you lose your phone. Store them somewhere safe now: they are shown only this once.
          </p>
          <ul aria-label="Recovery codes" className="mt-3 grid grid-cols-2 gap-2 font-mono text-sm text-slate-900">
            {codes.map((c) => (
              <li key={c} className="rounded bg-white px-2 py-1 text-center ring-1 ring-slate-200">
                {c}
              </li>
            ))}
          </ul>
        </div>
        <LinkButton href="/" variant="primary" className="w-full">
          I have saved them: continue
        </LinkButton>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error && !fieldError && <Alert>{error}</Alert>}
      <TextField label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" errors={fieldError} required />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Checking…' : 'Turn on two-factor authentication'}
      </Button>
    </form>
  );
}

/** Leaves a session that may not go further until a second factor is set up. */
export function SignOutLink() {
  return (
    <button type="button" className="font-medium text-accent-700 underline" onClick={() => signOut({ callbackUrl: '/sign-in' })}>
      Sign out
    </button>
  );
}
