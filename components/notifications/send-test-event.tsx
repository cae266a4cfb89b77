'use client';
// "Send test event": posts an example event to the channel now and says, right under the
// button, whether the receiver took it. The attempt also appears in the delivery history.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';

export type TestEventResult = { ok: true; delivered: boolean; statusCode: number | null; error: string | null } | { ok: false; error: string };

type Shown = { tone: 'success' | 'error'; title: string; message: string };

function describe(result: TestEventResult): Shown {
  if (!result.ok) return { tone: 'error', title: 'The test could not run', message: result.error };
  if (result.delivered) return { tone: 'success', title: 'Delivered', message: `The receiver answered HTTP ${result.statusCode}.` };
  return { tone: 'error', title: 'Not delivered', message: result.error ?? 'The receiver did not accept the event.' };
}

export function SendTestEvent({ action }: { action: () => Promise<TestEventResult> }) {
  const router = useRouter();
  const [shown, setShown] = useState<Shown | null>(null);
  const [pending, startTransition] = useTransition();

  function run() {
    startTransition(async () => {
      const result = await action().catch((): TestEventResult => ({
        ok: false,
        error: 'The request did not reach the server. Check your connection and try again.',
      }));
      setShown(describe(result));
      router.refresh();
    });
  }

  return (
    <div className="space-y-3">
      <Button variant="secondary" onClick={run} disabled={pending}>
        {pending ? 'Sending…' : 'Send test event'}
      </Button>
      <div role="status" aria-live="polite">
        {pending ? (
          <p className="text-sm text-slate-600">Posting to the webhook…</p>
        ) : (
          shown && (
            <div
              className={cn(
                'rounded-md px-4 py-3 text-sm ring-1 ring-inset',
                shown.tone === 'success' ? 'bg-emerald-50 text-emerald-900 ring-emerald-200' : 'bg-red-50 text-red-900 ring-red-200',
              )}
            >
              <p className="font-semibold">{shown.title}</p>
              <p className="mt-0.5">{shown.message}</p>
            </div>
          )
        )}
      </div>
    </div>
  );
}
