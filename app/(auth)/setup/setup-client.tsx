'use client';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useActionForm } from '@/components/forms/use-action-form';
import { completeSetupAction } from './actions';

export function SetupForm() {
  const [done, setDone] = useState(false);
  const { onSubmit, pending, error, fieldErrors } = useActionForm(completeSetupAction, () => setDone(true));
  if (done) {
    return (
      <Alert tone="success">
        The administrator account is ready.{' '}
        <a className="font-medium underline" href="/sign-in">
          Sign in
        </a>
        .
      </Alert>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error && <Alert>{error}</Alert>}
      <TextField label="Setup token" name="token" autoComplete="off" spellCheck={false} required errors={fieldErrors.token} />
      <TextField label="Your name" name="name" autoComplete="name" required errors={fieldErrors.name} />
      <TextField label="Email" name="email" type="email" autoComplete="username" required errors={fieldErrors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        required
        errors={fieldErrors.password}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating…' : 'Create administrator'}
      </Button>
    </form>
  );
}
