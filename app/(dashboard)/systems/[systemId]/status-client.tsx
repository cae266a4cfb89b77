'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { setSystemStatusAction } from '../actions';

/** Decommission (after a confirmation) or reactivate a system. */
export function SystemStatusControl({ systemId, status }: { systemId: string; status: 'active' | 'decommissioned' }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const target = status === 'active' ? 'decommissioned' : 'active';

  async function apply() {
    setPending(true);
    setError(undefined);
    try {
      const result = await setSystemStatusAction(systemId, { status: target });
      if (result.ok) {
        setConfirming(false);
        router.refresh();
      } else setError(result.error);
    } catch {
      setError('The request did not reach the server. Check your connection and try again.');
    } finally {
      setPending(false);
    }
  }

  if (status === 'decommissioned') {
    return (
      <div className="space-y-3">
        {error && <Alert>{error}</Alert>}
        <p className="text-sm text-slate-600">This system is decommissioned. Reactivate it if it is back in service.</p>
        <Button variant="secondary" onClick={apply} disabled={pending}>
          {pending ? 'Reactivating…' : 'Reactivate system'}
        </Button>
      </div>
    );
  }

  return (
    <div className="space-y-3">
      {error && <Alert>{error}</Alert>}
      {!confirming ? (
        <>
          <p className="text-sm text-slate-600">When the system is retired, mark it decommissioned. It stays on record, with its history.</p>
          <Button variant="secondary" onClick={() => setConfirming(true)}>
            Decommission…
          </Button>
        </>
      ) : (
        <div role="group" aria-label="Confirm decommissioning" className="rounded-md bg-amber-50 p-3 ring-1 ring-inset ring-amber-200">
          <p className="text-sm text-amber-900">
            Decommission this system? Secrets that list it keep it as a consumer, shown as decommissioned. You can reactivate it later.
          </p>
          <div className="mt-3 flex gap-2">
            <Button variant="danger" onClick={apply} disabled={pending}>
              {pending ? 'Decommissioning…' : 'Decommission system'}
            </Button>
            {/* Focus lands on the safe choice, so keyboard users meet the confirmation. */}
            <Button autoFocus variant="secondary" onClick={() => setConfirming(false)} disabled={pending}>
              Cancel
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
