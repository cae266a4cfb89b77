'use client';
// A drift finding's one-click fix: the button says what it does, says so while it runs,
// and shows the refusal (a stale report, a provider error) beside it. On success the page
// is read again and the finding is gone.
import { Button } from '@/components/ui/button';
import { useRefreshingAction } from '@/components/ui/use-refreshing-action';

export type DriftFixInput = { secretId: string; kind: 'last_rotated_mismatch' | 'tags_mismatch' | 'out_of_band_version'; seen: string };
type Outcome = { ok: true } | { ok: false; error: string };

export function DriftFixButton({ label, input, fix }: { label: string; input: DriftFixInput; fix: (input: DriftFixInput) => Promise<Outcome> }) {
  const { run, pending, error } = useRefreshingAction(() => fix(input));
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Button variant="secondary" className="px-2 py-1 text-xs" disabled={pending} onClick={run}>
        {pending ? 'Working…' : label}
      </Button>
      {error && (
        <span role="alert" className="max-w-72 text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
