'use client';
// The submit side of a team's or system's create-or-edit form: after a save, the record's
// own page (refreshed, so it shows what was just saved); on failure the error above the fields.
import { useRouter } from 'next/navigation';
import { useActionForm } from '@/components/forms/use-action-form';
import type { FieldErrors } from '@/lib/errors';
import { Alert } from './alert';

type SaveResult = { ok: true; id: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

export function useRecordForm(action: (input: Record<string, string | string[]>) => Promise<SaveResult>, pageOf: (id: string) => string) {
  const router = useRouter();
  const form = useActionForm(action, (result) => {
    router.push(pageOf(result.id));
    router.refresh();
  });
  return { ...form, status: form.error && <Alert>{form.error}</Alert> };
}
