'use client';
// The fingerprint backfill section's buttons on a connection's page: turn it on or off,
// and run it now (the worker does the reading; the page shows the last run's counts).
import { Button } from '@/components/ui/button';
import { useRefreshingAction } from '@/components/ui/use-refreshing-action';

type Result = { ok: true } | { ok: false; error: string };

export function BackfillToggle({ action, enabled }: { action: () => Promise<Result>; enabled: boolean }) {
  const { run, pending, error } = useRefreshingAction(action);
  return (
    <div className="space-y-2">
      <Button type="button" variant={enabled ? 'secondary' : 'primary'} onClick={run} disabled={pending}>
        {pending ? 'Saving…' : enabled ? 'Turn backfill off' : 'Turn backfill on'}
      </Button>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

export function RunBackfillNow({ action, enabled }: { action: () => Promise<Result>; enabled: boolean }) {
  const { run, pending, error } = useRefreshingAction(action);
  return (
    <div className="space-y-2">
      <Button type="button" variant="secondary" onClick={run} disabled={pending || !enabled}>
        {pending ? 'Starting…' : 'Run now'}
      </Button>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
