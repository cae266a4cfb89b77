'use client';
// Deleting a channel, behind a confirmation. Its delivery history goes with it.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

type Result = { ok: true } | { ok: false; error: string };

export function DeleteChannel({ name, action }: { name: string; action: () => Promise<Result> }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const boxRef = useRef<HTMLDivElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (confirming || wasConfirming.current) boxRef.current?.querySelector<HTMLElement>('button')?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  function remove() {
    setError(undefined);
    startTransition(async () => {
      const result = await action().catch(
        (): Result => ({ ok: false, error: 'The request did not reach the server. Check your connection and try again.' }),
      );
      setConfirming(false);
      if (!result.ok) setError(result.error);
      else {
        router.push('/settings/notifications');
        router.refresh();
      }
    });
  }

  return (
    <div ref={boxRef} className="space-y-3">
      <p className="text-sm text-slate-600">Deleting a channel also deletes its delivery history. To pause it, untick Enabled instead.</p>
      {error && <Alert>{error}</Alert>}
      {confirming ? (
        <div role="group" aria-label="Confirm deletion" className="space-y-2">
          <p className="text-sm text-slate-800">Delete “{name}”? This cannot be undone.</p>
          <div className="flex gap-2">
            <Button variant="ghost" onClick={() => setConfirming(false)} disabled={pending}>
              Keep it
            </Button>
            <Button variant="danger" onClick={remove} disabled={pending}>
              {pending ? 'Deleting…' : 'Delete channel'}
            </Button>
          </div>
        </div>
      ) : (
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          Delete channel…
        </Button>
      )}
    </div>
  );
}
