'use client';
// The create/edit form of a settings record (provider connection, notification channel,
// the audit retention period): submits through useActionForm, moves focus to the first
// invalid field (or the error), says "Saved." after an edit and goes to the new record's
// page after a create.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import type { FieldErrors } from '@/lib/errors';
import { useActionForm } from './use-action-form';

// A create answers with the new record's id; an edit needs none.
type SaveResult = { ok: true; id?: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

export function useSettingsForm({
  editing,
  action,
  pageOf,
}: {
  editing: boolean;
  action: (input: Record<string, string | string[]>) => Promise<SaveResult>;
  /** The record's page, where a create lands (singleton settings are only ever edited). */
  pageOf?: (id: string) => string;
}) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const [saved, setSaved] = useState(false);
  const form = useActionForm(
    (values) => {
      setSaved(false);
      return action(values);
    },
    (result) => {
      if (!editing && pageOf && result.id) router.push(pageOf(result.id));
      else {
        setSaved(true);
        router.refresh();
      }
    },
  );

  useEffect(() => {
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) invalid.focus();
    else if (form.error) errorRef.current?.focus();
  }, [form.error, form.fieldErrors]);

  /** The form's error (focusable) or its "Saved." confirmation, for the top of the form. */
  const status = (
    <>
      {form.error && (
        <div ref={errorRef} tabIndex={-1} className="outline-none">
          <Alert>{form.error}</Alert>
        </div>
      )}
      {saved && !form.error && <Alert tone="success">Saved.</Alert>}
    </>
  );
  return { ...form, formRef, status, field: (name: string) => form.fieldErrors[name] };
}
