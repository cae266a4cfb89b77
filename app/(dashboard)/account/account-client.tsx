'use client';
import { useState, useTransition } from 'react';
import { signOut } from '@/components/layout/sign-out';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { signOutEverywhereAction } from './actions';

const REQUEST_FAILED = 'The request did not reach the server. Check your connection and try again.';

/** Ends every session server-side (copied cookies included), then this browser's cookie. */
export function SignOutEverywhere() {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function run() {
    setError(undefined);
    startTransition(async () => {
      const result = await signOutEverywhereAction().catch(() => ({ ok: false as const, error: REQUEST_FAILED }));
      if (!result.ok) {
        setError(result.error);
        return;
      }
      await signOut('/sign-in');
    });
  }

  return (
    <div className="space-y-3">
      {error && <Alert>{error}</Alert>}
      {confirming ? (
        <div role="group" aria-label="Confirm signing out everywhere" className="space-y-2">
          <p className="text-sm text-slate-700">Sign out of every browser, this one included?</p>
          <div className="flex gap-2">
            <Button variant="danger" onClick={run} disabled={pending} autoFocus>
              {pending ? 'Signing out…' : 'Sign out everywhere'}
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)} disabled={pending}>
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          Sign out everywhere
        </Button>
      )}
    </div>
  );
}
