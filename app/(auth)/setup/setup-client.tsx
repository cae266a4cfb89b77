'use client';
import { Alert } from '@/components/ui/alert';
import { TextField } from '@/components/ui/field';
import { OneShotForm } from '@/components/ui/one-shot-form';
import { completeSetupAction } from './actions';

export function SetupForm() {
  return (
    <OneShotForm
      action={completeSetupAction}
      submitLabel="Create administrator"
      pendingLabel="Creating…"
      done={
        <Alert tone="success">
          The administrator account is ready.{' '}
          <a className="font-medium underline" href="/sign-in">
            Sign in
          </a>
          .
        </Alert>
      }
    >
      {(fieldErrors) => (
        <>
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
        </>
      )}
    </OneShotForm>
  );
}
