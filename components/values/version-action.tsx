'use client';
// One button that changes a provider version (enable, disable, make current), with the
// outcome announced next to it.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';

type Change = { change: 'enable' | 'disable' | 'make_current'; versionId: string };
type Outcome = { ok: true } | { ok: false; error: string };

export function VersionAction({ label, change, act }: { label: string; change: Change; act: (change: Change) => Promise<Outcome> }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        variant="secondary"
        className="px-2 py-1 text-xs"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const outcome = await act(change);
            setError(outcome.ok ? null : outcome.error);
            if (outcome.ok) router.refresh();
          })
        }
      >
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
