'use client';
// The "Test connection" button: asks the server to make one cheap call through the
// connection and shows what happened, in words, right under the button.
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';

export type TestResult = { ok: true; passed: boolean; code: string | null; message: string } | { ok: false; error: string };

type Shown = { tone: 'success' | 'warning' | 'error'; title: string; message: string };

function describe(result: TestResult): Shown {
  if (!result.ok) return { tone: 'error', title: 'The test could not run', message: result.error };
  if (result.passed) return { tone: 'success', title: 'Connected', message: result.message };
  if (result.code === 'permission_denied') {
    return { tone: 'warning', title: 'Reachable, but permission denied', message: result.message };
  }
  if (result.code === 'unavailable' || result.code === 'timeout') {
    return { tone: 'error', title: 'Not reachable', message: result.message };
  }
  if (result.code === 'unsupported') return { tone: 'warning', title: 'Cannot be tested yet', message: result.message };
  return { tone: 'error', title: 'The test failed', message: result.message };
}

const TONES = {
  success: 'bg-emerald-50 text-emerald-900 ring-emerald-200',
  warning: 'bg-amber-50 text-amber-900 ring-amber-200',
  error: 'bg-red-50 text-red-900 ring-red-200',
};

export function TestConnection({ action }: { action: () => Promise<TestResult> }) {
  const [shown, setShown] = useState<Shown | null>(null);
  const [pending, startTransition] = useTransition();

  function run() {
    startTransition(async () => {
      const result = await action().catch((): TestResult => ({
        ok: false,
        error: 'The request did not reach the server. Check your connection and try again.',
      }));
      setShown(describe(result));
    });
  }

  return (
    <div className="space-y-3">
      <Button variant="secondary" onClick={run} disabled={pending}>
        {pending ? 'Testing…' : 'Test connection'}
      </Button>
      {/* Always present, so screen readers announce the result when it appears. */}
      <div role="status" aria-live="polite">
        {pending ? (
          <p className="text-sm text-slate-600">Asking the provider…</p>
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
