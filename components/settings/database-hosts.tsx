'use client';
// The database host allowlist's form and remove button (Settings -> Database hosts).
import { useSettingsForm } from '@/components/forms/use-settings-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useRefreshingAction } from '@/components/ui/use-refreshing-action';
import type { FieldErrors } from '@/lib/errors';

type SaveResult = { ok: true; id?: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

export function DatabaseHostForm({ action }: { action: (input: Record<string, string | string[]>) => Promise<SaveResult> }) {
  const { onSubmit, pending, formRef, status, field } = useSettingsForm({ editing: true, action });
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Add a database host" className="max-w-xl space-y-4">
      {status}
      <TextField label="Host" name="host" required hint="A host name or IP address, without port or scheme" errors={field('host')} />
      <label className="flex items-start gap-3 text-sm">
        <input type="checkbox" name="allowInsecureTls" className="mt-0.5 accent-accent-600" />
        <span>
          <span className="block font-medium text-slate-900">Allow less than verify-full TLS</span>
          <span className="block text-slate-600">
            A secret&apos;s rotation settings may then ask for TLS without certificate checks, or none (e.g. a local server).
          </span>
        </span>
      </label>
      <TextField label="Note" name="note" errors={field('note')} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Adding…' : 'Add host'}
      </Button>
    </form>
  );
}

export function RemoveDatabaseHost({ host, action }: { host: string; action: () => Promise<{ ok: true } | { ok: false; error: string }> }) {
  const { run, pending, error } = useRefreshingAction(() => action().catch(() => ({ ok: false as const, error: 'The request did not reach the server.' })));
  return (
    <span className="inline-flex flex-col items-end gap-2">
      <Button type="button" variant="ghost" aria-label={`Remove ${host}`} disabled={pending} onClick={run}>
        {pending ? 'Removing…' : 'Remove'}
      </Button>
      {error && <Alert>{error}</Alert>}
    </span>
  );
}
