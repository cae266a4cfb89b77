'use client';
// A signed-out form that is filled in once (first-run setup, accepting an invitation): the
// error above the fields, a full-width submit, and after success only what comes next.
import { useState } from 'react';
import { useActionForm } from '@/components/forms/use-action-form';
import type { FieldErrors } from '@/lib/errors';
import { Alert } from './alert';
import { Button } from './button';

export function OneShotForm({
  action,
  submitLabel,
  pendingLabel,
  intro,
  done,
  children,
}: {
  action: (input: Record<string, string | string[]>) => Promise<{ ok: true } | { ok: false; error: string; fieldErrors?: FieldErrors }>;
  submitLabel: string;
  pendingLabel: string;
  /** Shown above the form until it succeeds. */
  intro?: React.ReactNode;
  /** Shown instead of the form once it has succeeded. */
  done: React.ReactNode;
  children: (fieldErrors: FieldErrors) => React.ReactNode;
}) {
  const [succeeded, setSucceeded] = useState(false);
  const { onSubmit, pending, error, fieldErrors } = useActionForm(action, () => setSucceeded(true));
  if (succeeded) return done;
  return (
    <>
      {intro}
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {error && <Alert>{error}</Alert>}
        {children(fieldErrors)}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </Button>
      </form>
    </>
  );
}
