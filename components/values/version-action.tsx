'use client';
// One button that changes a provider version (enable, disable, make current), with the
// outcome announced next to it.
import { Button } from '@/components/ui/button';
import { useRefreshingAction } from '@/components/ui/use-refreshing-action';

type Change = { change: 'enable' | 'disable' | 'make_current'; versionId: string };
type Outcome = { ok: true } | { ok: false; error: string };

export function VersionAction({ label, change, act }: { label: string; change: Change; act: (change: Change) => Promise<Outcome> }) {
  const { run, pending, error } = useRefreshingAction(() => act(change));
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button variant="secondary" className="px-2 py-1 text-xs" disabled={pending} onClick={run}>
        {pending ? 'Working…' : label}
      </Button>
      {error && (
        <span role="alert" className="max-w-64 text-right text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
