'use client';
import { Alert } from '@/components/ui/alert';
import { TextField } from '@/components/ui/field';
import { OneShotForm } from '@/components/ui/one-shot-form';
import { acceptInviteAction } from './actions';

export function InviteForm() {
  return (
    <OneShotForm
      action={acceptInviteAction}
      submitLabel="Set password"
      pendingLabel="Setting up…"
      intro={
        <>
          <h1 className="mb-1 text-xl font-semibold text-slate-900">Set up your account</h1>
          <p className="mb-6 text-sm text-slate-600">
            Enter the email address you were invited with, the one-time invite code an administrator gave you, and the password you want to use.
          </p>
        </>
      }
      done={
        <div className="space-y-4">
          <h1 className="text-xl font-semibold text-slate-900">Your account is ready</h1>
          <Alert tone="success">Sign in with your email address and your new password.</Alert>
          <a
            href="/sign-in"
            className="inline-flex w-full items-center justify-center rounded-md bg-accent-600 px-3 py-2 text-sm font-medium text-white hover:bg-accent-700"
          >
            Sign in
          </a>
        </div>
      }
    >
      {(fieldErrors) => (
        <>
          <TextField label="Email" name="email" type="email" autoComplete="username" required errors={fieldErrors.email} />
          <TextField
            label="Invite code"
            name="code"
            autoComplete="one-time-code"
            spellCheck={false}
            autoCapitalize="off"
            required
            hint="Copy it exactly; it is case-sensitive."
            className="font-mono"
            errors={fieldErrors.code}
          />
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            hint="At least 12 characters. A few unrelated words work well."
            required
            errors={fieldErrors.password}
          />
          <TextField
            label="Confirm new password"
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            errors={fieldErrors.confirmPassword}
          />
        </>
      )}
    </OneShotForm>
  );
}
