'use client';
// Submits a form's fields to a server action as a plain object and keeps the
// action's error and per-field messages for the form to show.
import { useState } from 'react';
import type { FieldErrors } from '@/lib/errors';

type Result = { ok: true } | { ok: false; error: string; fieldErrors?: FieldErrors };

/** FormData to an object; repeated names (checkbox groups, multi-selects) become arrays. */
export function formValues(form: HTMLFormElement): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  const data = new FormData(form);
  for (const key of new Set(data.keys())) {
    const all = data.getAll(key).filter((v): v is string => typeof v === 'string');
    const multiple = form.querySelector(`[name="${CSS.escape(key)}"][data-multiple]`) !== null;
    values[key] = multiple || all.length > 1 ? all : (all[0] ?? '');
  }
  return values;
}

export function useActionForm<R extends Result>(
  action: (input: Record<string, string | string[]>) => Promise<R>,
  onSuccess: (result: Extract<R, { ok: true }>) => void,
) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(undefined);
    setFieldErrors({});
    try {
      const result = await action(formValues(event.currentTarget));
      if (result.ok) onSuccess(result as Extract<R, { ok: true }>);
      else {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
      }
    } catch {
      setError('The request did not reach the server. Check your connection and try again.');
    } finally {
      setPending(false);
    }
  }

  return { onSubmit, pending, error, fieldErrors };
}
