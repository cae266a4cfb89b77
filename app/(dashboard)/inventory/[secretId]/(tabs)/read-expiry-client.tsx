'use client';
// "Read expiry from the provider": the server reads the certificate chain the provider
// holds and keeps its expiry and subject only; the page then shows what it stored.
import { Failure, useStep, type Outcome } from '@/components/forms/use-step';
import { Button } from '@/components/ui/button';

export function ReadExpiryButton({ action }: { action: () => Promise<Outcome> }) {
  const { outcome, pending, run } = useStep();
  const read = () => run(() => action().catch(() => ({ ok: false as const, error: 'The request did not reach the server.' })));
  return (
    <div className="space-y-2">
      <Button type="button" variant="secondary" onClick={read} disabled={pending}>
        {pending ? 'Reading…' : 'Read expiry from the provider'}
      </Button>
      <p className="text-xs text-slate-600">For a provider value that holds a PEM certificate chain: only its end date and subject are kept.</p>
      <Failure outcome={outcome} />
    </div>
  );
}
