// One webhook receiver for a whole Vitest file. Apart from webhook-receiver.ts, which the
// Playwright specs import too and which must not load Vitest.
import { afterAll, beforeAll } from 'vitest';
import { late, started } from './late';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/** Started before the file's tests, closed after them. */
export function useWebhookReceiver(): WebhookReceiver {
  let receiver: WebhookReceiver | undefined;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  return late(() => started(receiver, 'the webhook receiver'));
}
