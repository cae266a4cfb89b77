'use client';
// The Discovery section's controls on a connection's page: the interval form and, while a
// scan runs, re-reading the page every few seconds so its progress shows.
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import type { FieldErrors } from '@/lib/errors';

type Result = { ok: true } | { ok: false; error: string; fieldErrors?: FieldErrors };

export function ScanIntervalForm({ action, hours }: { action: (input: Record<string, string | string[]>) => Promise<Result>; hours: number | null }) {
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const { onSubmit, pending, error, fieldErrors } = useActionForm(action, () => {
    setSaved(true);
    router.refresh();
  });
  return (
    <form onSubmit={onSubmit} onChange={() => setSaved(false)} className="space-y-3" noValidate>
      {error && <Alert>{error}</Alert>}
      <Field label="Scan every (hours)" name="hours" hint="1 to 720 hours. Leave empty to scan only when someone presses Scan now." errors={fieldErrors.hours}>
        {(a11y) => (
          <input
            {...a11y}
            name="hours"
            type="number"
            inputMode="numeric"
            min={1}
            max={720}
            step={1}
            defaultValue={hours ?? ''}
            className={`${a11y.className} max-w-40`}
          />
        )}
      </Field>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? 'Saving…' : 'Save interval'}
        </Button>
        {saved && (
          <span role="status" className="text-sm text-emerald-700">
            Saved
          </span>
        )}
      </div>
    </form>
  );
}

/** Re-reads the page every few seconds while a scan runs (the history shows its progress). */
export function RefreshWhileRunning({ everyMs = 3000 }: { everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return null;
}
