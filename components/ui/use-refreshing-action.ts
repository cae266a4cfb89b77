'use client';
// A button's server action that changes what the page shows (remove a row, change a version):
// while it runs the button says so; after success the page is read again, after a refusal
// its reason is kept to show next to the button.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

export function useRefreshingAction(action: () => Promise<{ ok: true } | { ok: false; error: string }>) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  function run() {
    startTransition(async () => {
      const outcome = await action();
      setError(outcome.ok ? null : outcome.error);
      if (outcome.ok) router.refresh();
    });
  }
  return { run, pending, error };
}
