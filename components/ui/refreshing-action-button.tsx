'use client';
// A button that runs one server action: it says so while the action runs, shows the
// refusal below itself, and re-reads the page when the action succeeded.
import type { ComponentProps } from 'react';
import { Button } from '@/components/ui/button';
import { useRefreshingAction } from '@/components/ui/use-refreshing-action';

type Result = { ok: true } | { ok: false; error: string };

export function RefreshingActionButton({
  action,
  label,
  pendingLabel,
  variant = 'secondary',
  disabled = false,
}: {
  action: () => Promise<Result>;
  label: string;
  pendingLabel: string;
  variant?: ComponentProps<typeof Button>['variant'];
  disabled?: boolean;
}) {
  const { run, pending, error } = useRefreshingAction(action);
  return (
    <div className="space-y-2">
      <Button type="button" variant={variant} onClick={run} disabled={pending || disabled}>
        {pending ? pendingLabel : label}
      </Button>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
