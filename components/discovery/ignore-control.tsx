'use client';
// A row's "Ignore" (with the reason asked inline) or "Manage again" button on the Unmanaged
// view. The page is read again after the change, so the row leaves the view it was in.
import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { controlClass } from '@/components/ui/field';
import { useRefreshingAction } from '@/components/ui/use-refreshing-action';

type Result = { ok: true } | { ok: false; error: string };

export function IgnoreControl({
  name,
  ignored,
  ignore,
  restore,
}: {
  name: string;
  ignored: boolean;
  ignore: (input: { reason: string }) => Promise<Result>;
  restore: () => Promise<Result>;
}) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const id = useId();
  const unreachable = { ok: false as const, error: 'The request did not reach the server.' };
  const act = useRefreshingAction(() => (ignored ? restore() : ignore({ reason })).catch(() => unreachable));

  if (ignored) {
    return (
      <div className="space-y-1">
        <Button variant="secondary" onClick={act.run} disabled={act.pending} aria-label={`Manage ${name} again`}>
          {act.pending ? 'Restoring…' : 'Manage again'}
        </Button>
        {act.error && <p className="text-xs text-red-700">{act.error}</p>}
      </div>
    );
  }
  if (!asking) {
    return (
      <Button variant="ghost" onClick={() => setAsking(true)} aria-label={`Ignore ${name}`}>
        Ignore…
      </Button>
    );
  }
  return (
    <form
      className="w-56 space-y-1"
      onSubmit={(e) => {
        e.preventDefault();
        act.run();
      }}
    >
      <label htmlFor={id} className="block text-xs font-medium text-slate-800">
        Why is {name} not managed here?
      </label>
      <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} className={controlClass} autoFocus required />
      {act.error && <p className="text-xs text-red-700">{act.error}</p>}
      <div className="flex gap-2">
        <Button type="submit" disabled={act.pending}>
          {act.pending ? 'Ignoring…' : 'Ignore'}
        </Button>
        <Button type="button" variant="ghost" onClick={() => setAsking(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
