'use client';
// A sink's buttons on the list: edit, send a test event now, pause or resume, delete (behind a
// confirmation). Each re-reads the page when it is done, so the table shows the new state.
import { useRouter } from 'next/navigation';
import { ConfirmDelete } from '@/components/forms/confirm-delete';
import { LinkButton } from '@/components/ui/button';
import { RefreshingActionButton } from '@/components/ui/refreshing-action-button';
import { ServerCheck, type Verdict } from '@/components/ui/server-check';

type Result = { ok: true } | { ok: false; error: string };
type Tested = { ok: true; sent: boolean; error: string | null };

function describe(result: Tested): Verdict {
  if (result.sent) return { tone: 'success', title: 'Sent', message: 'The sink accepted a test event (action audit_sink.test, seq 0).' };
  return { tone: 'error', title: 'Not sent', message: result.error ?? 'The sink did not accept the test event.' };
}

export function SinkActions({
  editHref,
  name,
  enabled,
  test,
  toggle,
  remove,
}: {
  editHref: string;
  name: string;
  enabled: boolean;
  test: () => Promise<Tested | { ok: false; error: string }>;
  toggle: () => Promise<Result>;
  remove: () => Promise<Result>;
}) {
  const router = useRouter();
  return (
    <div className="flex min-w-56 flex-col gap-3">
      <div>
        <LinkButton href={editHref} aria-label={`Edit ${name}`}>
          Edit
        </LinkButton>
      </div>
      <ServerCheck
        action={test}
        describe={describe}
        labels={{ idle: 'Send test', pending: 'Sending…', waiting: 'Sending a test event…' }}
        onDone={() => router.refresh()}
      />
      <RefreshingActionButton action={toggle} label={enabled ? 'Pause' : 'Resume'} pendingLabel={enabled ? 'Pausing…' : 'Resuming…'} />
      <ConfirmDelete
        name={name}
        noun="sink"
        listHref="/settings/audit-sinks"
        explanation="Deleting ends the stream for good; Pause keeps its place."
        action={remove}
      />
    </div>
  );
}
