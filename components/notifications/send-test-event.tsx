'use client';
// "Send test event": posts an example event to the channel now and says, right under the
// button, whether the receiver took it. The attempt also appears in the delivery history,
// hence the refresh afterwards.
import { useRouter } from 'next/navigation';
import { ServerCheck, type Verdict } from '@/components/ui/server-check';

type Sent = { ok: true; delivered: boolean; statusCode: number | null; error: string | null };

export type TestEventResult = Sent | { ok: false; error: string };

function describe(result: Sent): Verdict {
  if (result.delivered) {
    // Webhooks answer with a status code; a mail server that accepted the message has none to show.
    const message = result.statusCode === null ? 'The mail server accepted the message.' : `The receiver answered HTTP ${result.statusCode}.`;
    return { tone: 'success', title: 'Delivered', message };
  }
  return { tone: 'error', title: 'Not delivered', message: result.error ?? 'The receiver did not accept the event.' };
}

export function SendTestEvent({ action }: { action: () => Promise<TestEventResult> }) {
  const router = useRouter();
  return (
    <ServerCheck
      action={action}
      describe={describe}
      labels={{ idle: 'Send test event', pending: 'Sending…', waiting: 'Posting to the webhook…' }}
      onDone={() => router.refresh()}
    />
  );
}
