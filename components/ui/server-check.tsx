'use client';
// A button that asks the server to check something now (test a provider connection, send a
// webhook a test event) and says, right under it, what happened.
import { useState, useTransition } from 'react';
import { Button } from './button';
import { cn } from './cn';

export type Verdict = { tone: 'success' | 'warning' | 'error'; title: string; message: string };

type Failure = { ok: false; error: string };

const TONES = {
  success: 'bg-emerald-50 text-emerald-900 ring-emerald-200',
  warning: 'bg-amber-50 text-amber-900 ring-amber-200',
  error: 'bg-red-50 text-red-900 ring-red-200',
};

export function ServerCheck<R extends { ok: true }>({
  action,
  describe,
  labels,
  onDone,
}: {
  action: () => Promise<R | Failure>;
  /** The verdict on a check that ran; a request that failed is described here, alike for every check. */
  describe: (result: R) => Verdict;
  /** The button, the button while it runs, and the line shown meanwhile. */
  labels: { idle: string; pending: string; waiting: string };
  onDone?: () => void;
}) {
  const [shown, setShown] = useState<Verdict | null>(null);
  const [pending, startTransition] = useTransition();

  function run() {
    startTransition(async () => {
      const result = await action().catch((): Failure => ({
        ok: false,
        error: 'The request did not reach the server. Check your connection and try again.',
      }));
      setShown(result.ok ? describe(result) : { tone: 'error', title: 'The test could not run', message: result.error });
      onDone?.();
    });
  }

  return (
    <div className="space-y-3">
      <Button variant="secondary" onClick={run} disabled={pending}>
        {pending ? labels.pending : labels.idle}
      </Button>
      {/* Always present, so screen readers announce the result when it appears. */}
      <div role="status" aria-live="polite">
        {pending ? (
          <p className="text-sm text-slate-600">{labels.waiting}</p>
        ) : (
          shown && (
            <div className={cn('rounded-md px-4 py-3 text-sm ring-1 ring-inset', TONES[shown.tone])}>
              <p className="font-semibold">{shown.title}</p>
              <p className="mt-0.5">{shown.message}</p>
            </div>
          )
        )}
      </div>
    </div>
  );
}
