'use client';
// What an error boundary (app/**/error.tsx, app/global-error.tsx) shows. Two cases:
// the database is unreachable (the error's digest says so, lib/errors.ts), which is
// temporary and needs nobody to act, so the page retries by itself with growing pauses;
// anything else gets a short message and the digest an administrator can find in the
// server log. Nothing of the error's message is shown: in production it is Next's generic
// text, and in development it could name internals.
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button-style';
import { DATABASE_UNAVAILABLE_DIGEST } from '@/lib/errors';

/** The props Next passes to an error boundary's component (Next 16: `retry` refreshes from the server, then re-renders). */
export type ErrorBoundaryProps = { error: unknown; retry: () => void };

const FIRST_PAUSE_S = 2;
const LONGEST_PAUSE_S = 30;

// Each failed retry mounts the boundary's component anew, so the attempt count lives in
// the module (one per tab). A long quiet spell since the last failure starts over.
const backoff = { attempts: 0, lastFailureAt: 0 };

function nextPause(): number {
  const now = Date.now();
  if (now - backoff.lastFailureAt > 2 * LONGEST_PAUSE_S * 1000) backoff.attempts = 0;
  backoff.lastFailureAt = now;
  const pause = Math.min(LONGEST_PAUSE_S, FIRST_PAUSE_S * 2 ** backoff.attempts);
  backoff.attempts += 1;
  return pause;
}

export function isDatabaseOutage(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { digest?: unknown }).digest === DATABASE_UNAVAILABLE_DIGEST;
}

function digestOf(error: unknown): string | null {
  const digest = typeof error === 'object' && error !== null ? (error as { digest?: unknown }).digest : undefined;
  return typeof digest === 'string' && /^[\w-]{1,64}$/.test(digest) ? digest : null;
}

export function ErrorNotice({ error, retry }: ErrorBoundaryProps) {
  return isDatabaseOutage(error) ? <OutageNotice error={error} retry={retry} /> : <FailureNotice digest={digestOf(error)} retry={retry} />;
}

function OutageNotice({ error, retry }: ErrorBoundaryProps) {
  const [remaining, setRemaining] = useState<number | null>(null);
  // Every failed retry brings a new error: the next, longer pause starts then.
  useEffect(() => {
    let left = nextPause();
    // The countdown mirrors this effect's own timer, so it starts here with it.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setRemaining(left);
    const timer = setInterval(() => {
      left -= 1;
      setRemaining(left);
      if (left <= 0) {
        clearInterval(timer);
        retry();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [error, retry]);
  return (
    <div role="alert" className="space-y-3">
      <h1 className="text-lg font-semibold text-slate-900">The database cannot be reached.</h1>
      <p className="text-sm text-slate-700">The page will retry. Nothing can be viewed or saved until the database is back.</p>
      <div className="flex flex-wrap items-center gap-3 pt-1">
        <Button onClick={() => retry()}>Try again</Button>
        <p className="text-sm text-slate-500" aria-live="off">
          {remaining !== null && remaining > 0 ? `Retrying in ${remaining} s` : 'Retrying…'}
        </p>
      </div>
    </div>
  );
}

function FailureNotice({ digest, retry }: { digest: string | null; retry: () => void }) {
  return (
    <div role="alert" className="space-y-3">
      <h1 className="text-lg font-semibold text-slate-900">Something went wrong on our side.</h1>
      <p className="text-sm text-slate-700">
        Try again. If it keeps happening, tell an administrator
        {digest ? (
          <>
            {' '}
            and quote this reference: <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">{digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="pt-1">
        <Button onClick={() => retry()}>Try again</Button>
      </div>
    </div>
  );
}
