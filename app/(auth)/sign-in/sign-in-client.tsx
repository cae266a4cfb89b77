'use client';
import { signIn } from 'next-auth/react';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';

const MESSAGES: Record<string, string> = {
  CredentialsSignin: 'That email and password do not match an active account.',
  TooManyAttempts: 'Too many failed attempts. Wait 15 minutes, then try again.',
  MfaInvalid: 'That code is not valid. Enter the newest code from your app, or an unused recovery code.',
};

export function SignInForm({ next, initialError, oidc }: { next: string; initialError?: string; oidc: { name: string } | null }) {
  const [error, setError] = useState(initialError);
  const [pending, setPending] = useState(false);
  // After a right password on an account with a second factor: the same email and
  // password go again with the code (kept in this component only, never stored).
  const [credentials, setCredentials] = useState<{ email: string; password: string } | null>(null);

  async function submit(values: { email: string; password: string; code?: string }) {
    setPending(true);
    setError(undefined);
    const result = await signIn('credentials', { redirect: false, ...values });
    if (result?.ok && !result.error) {
      window.location.assign(next);
      return;
    }
    setPending(false);
    if (result?.error === 'MfaRequired') {
      setCredentials({ email: values.email, password: values.password });
      return;
    }
    setError(MESSAGES[result?.error ?? ''] ?? 'Sign-in failed. Try again.');
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void submit({ email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') });
  }

  function onSubmitCode(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!credentials) return;
    void submit({ ...credentials, code: String(new FormData(event.currentTarget).get('code') ?? '') });
  }

  if (credentials) {
    return (
      <div className="space-y-6">
        {error && <Alert>{error}</Alert>}
        {/* Keyed: without it React would reuse the email input (and the typed email) for the code. */}
        <form key="code" onSubmit={onSubmitCode} className="space-y-4" noValidate>
          <TextField
            label="Authentication code"
            name="code"
            hint="The 6-digit code from your authenticator app, or one of your recovery codes."
            autoComplete="one-time-code"
            autoFocus
            required
          />
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? 'Checking…' : 'Verify and sign in'}
          </Button>
        </form>
        <button
          type="button"
          className="w-full text-center text-sm font-medium text-accent-700 underline"
          onClick={() => {
            setCredentials(null);
            setError(undefined);
          }}
        >
          Use another account
        </button>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      {error && <Alert>{error}</Alert>}
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <TextField label="Email" name="email" type="email" autoComplete="username" required />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      {oidc && (
        <>
          <div className="flex items-center gap-3 text-xs text-slate-500">
            <span className="h-px flex-1 bg-slate-200" /> or <span className="h-px flex-1 bg-slate-200" />
          </div>
          <Button variant="secondary" className="w-full" onClick={() => signIn('oidc', { callbackUrl: next })}>
            Continue with {oidc.name}
          </Button>
        </>
      )}
    </div>
  );
}
