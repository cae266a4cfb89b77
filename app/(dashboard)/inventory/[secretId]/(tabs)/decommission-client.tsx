'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextAreaField } from '@/components/ui/field';
import type { FieldErrors } from '@/lib/errors';

type Result = { ok: true } | { ok: false; error: string; fieldErrors?: FieldErrors };

export function DecommissionPanel({
  decommissioned,
  action,
  suggestedReason,
}: {
  decommissioned: boolean;
  action: (input: Record<string, string | string[]>) => Promise<Result>;
  /** A reason from the link that led here (the Orphans report's suggestion): opens the form with it filled in. */
  suggestedReason?: string;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(suggestedReason !== undefined);
  const [done, setDone] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const { onSubmit, pending, error, fieldErrors } = useActionForm(action, () => {
    setOpen(false);
    setDone(true);
    router.refresh();
  });

  const sectionRef = useRef<HTMLElement>(null);
  const wasOpen = useRef(false);

  // Focus follows the panel: into the reason when it opens (or is invalid), back to the
  // button that opened it when it is cancelled.
  useEffect(() => {
    if (open) formRef.current?.querySelector('textarea')?.focus();
    else if (wasOpen.current) sectionRef.current?.querySelector<HTMLElement>('button, [role="status"]')?.focus();
    wasOpen.current = open;
  }, [open, fieldErrors]);

  return (
    <section ref={sectionRef} aria-labelledby="decommission-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <h2 id="decommission-heading" className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">
        Decommission
      </h2>
      <div className="px-5 py-4">
        {decommissioned ? (
          <>
            {done ? (
              <Alert tone="success">Decommissioned. The reason is recorded in the history below.</Alert>
            ) : (
              <p className="text-sm text-slate-600">This secret is decommissioned. It stays in the inventory and its history, hidden from the default list.</p>
            )}
            <Button variant="secondary" className="mt-4" disabled aria-disabled>
              Already decommissioned
            </Button>
          </>
        ) : open ? (
          <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-3">
            {error && !fieldErrors.reason && <Alert>{error}</Alert>}
            <TextAreaField
              label="Reason"
              name="reason"
              required
              maxLength={500}
              defaultValue={suggestedReason}
              hint="Recorded in the audit trail, e.g. “service retired in March”."
              errors={fieldErrors.reason}
            />
            <div className="flex flex-wrap justify-end gap-2">
              <Button variant="ghost" onClick={() => setOpen(false)} disabled={pending}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={pending}>
                {pending ? 'Decommissioning…' : 'Decommission secret'}
              </Button>
            </div>
          </form>
        ) : (
          <>
            <p className="text-sm text-slate-600">
              When nothing uses this secret any more. It is kept for the record and hidden from the default list; the value in the secret manager is not
              touched.
            </p>
            <Button variant="secondary" className="mt-4 text-red-800" onClick={() => setOpen(true)}>
              Decommission…
            </Button>
          </>
        )}
      </div>
    </section>
  );
}
