'use client';
// A step a person takes on a page (rotate, approve, cancel…): one server action per click,
// its failure shown beside the control, and on success the page reloads its data.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import type { FieldErrors } from '@/lib/errors';

export type Outcome = { ok: true } | { ok: false; error: string; fieldErrors?: FieldErrors };

/**
 * `run(work, after?)`: calls the action, keeps its outcome, hands it to `after`, refreshes on
 * success. `submit` is `run` as a form's onSubmit; `fieldErrors` are the last failure's.
 */
export function useStep() {
  const router = useRouter();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (work: () => Promise<Outcome>, after?: (o: Outcome) => void) =>
    startTransition(async () => {
      const result = await work();
      setOutcome(result);
      after?.(result);
      if (result.ok) router.refresh();
    });
  const submit = (work: () => Promise<Outcome>, after?: (o: Outcome) => void) => (event: React.FormEvent) => {
    event.preventDefault();
    run(work, after);
  };
  const fieldErrors: FieldErrors = outcome && !outcome.ok ? (outcome.fieldErrors ?? {}) : {};
  return { outcome, pending, run, submit, fieldErrors };
}

/** The last step's error, if it failed. */
export function Failure({ outcome }: { outcome: Outcome | null }) {
  return outcome && !outcome.ok ? <Alert>{outcome.error}</Alert> : null;
}
