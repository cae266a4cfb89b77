'use client';
// Deleting something behind a confirmation: the question opens in place with "keep it"
// focused, the server's refusal (if any) shows above, and success goes back to the list.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

type Result = { ok: true } | { ok: false; error: string };

type Props = {
  /** What is deleted, as the question names it. */
  name: string;
  /** The noun on the buttons: "connection", "channel". */
  noun: string;
  /** Where to go once it is gone. */
  listHref: string;
  /** What deleting means (what goes with it, what to do instead). */
  explanation: React.ReactNode;
  action: () => Promise<Result>;
};

export function ConfirmDelete({ name, noun, listHref, explanation, action }: Props) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const boxRef = useRef<HTMLDivElement>(null);
  const wasConfirming = useRef(false);

  // Focus follows the question: onto its safe answer when it opens, back when it closes.
  useEffect(() => {
    if (confirming || wasConfirming.current) boxRef.current?.querySelector<HTMLElement>('button')?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  function remove() {
    setError(undefined);
    startTransition(async () => {
      const result = await action().catch((): Result => ({ ok: false, error: 'The request did not reach the server. Check your connection and try again.' }));
      setConfirming(false);
      if (!result.ok) setError(result.error);
      else {
        router.push(listHref);
        router.refresh();
      }
    });
  }

  return (
    <div ref={boxRef} className="space-y-3">
      <p className="text-sm text-slate-600">{explanation}</p>
      {error && <Alert>{error}</Alert>}
      {confirming ? (
        <div role="group" aria-label="Confirm deletion" className="space-y-2">
          <p className="text-sm text-slate-800">Delete “{name}”? This cannot be undone.</p>
          <div className="flex gap-2">
            <Button variant="ghost" onClick={() => setConfirming(false)} disabled={pending}>
              Keep it
            </Button>
            <Button variant="danger" onClick={remove} disabled={pending}>
              {pending ? 'Deleting…' : `Delete ${noun}`}
            </Button>
          </div>
        </div>
      ) : (
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          Delete {noun}…
        </Button>
      )}
    </div>
  );
}
