// One webhook POST or one email for one delivery row, and what happened to it. The worker
// runs this for each notification-deliver job; "Send test event" runs it directly.
//
// Each call is one attempt: the attempt is counted before the request goes out (so a
// worker that dies mid-request still used it up), the answer is recorded, and a failure
// that can still be retried is thrown so pg-boss retries it with backoff. After the last
// attempt, or on an answer that retrying cannot change (4xx other than 408/429, a
// redirect, an address the egress policy refuses), the delivery is marked failed. Only the
// status code and our own short description of a failure are kept: the receiver's answer
// is never read, so an internal service's reply cannot be echoed back to anyone. Email
// goes through ./email.ts: an SMTP 4xx or a network failure is retried, a 5xx is not.
import 'server-only';
import type { ChannelKind, DeliveryStatus } from '@/generated/prisma/enums';
import { appClock, systemClock, type Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { DELIVERY_MAX_ATTEMPTS } from '@/lib/jobs/queues';
import { EgressRefusedError } from '@/lib/net/egress';
import { describeNetworkError, egressPost } from '@/lib/net/egress-post';
import { sendEmail } from './email';
import { ZNotificationPayload, type NotificationPayload } from './events';
import { emailMessage, formatBody } from './format';
import { channelSigningKey, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signing';

export type DeliveryOutcome = {
  status: DeliveryStatus | 'skipped';
  attempts: number;
  statusCode: number | null;
  error: string | null;
};

export type DeliverOptions = {
  /** Treat this attempt as the last one (the job's final retry; test events). */
  finalAttempt?: boolean;
  /** Post even if the channel is disabled (test events, so a channel can be tried before it is enabled). */
  evenIfDisabled?: boolean;
  clock?: Clock;
};

/** Thrown for a failed attempt that will be retried; pg-boss reschedules the job. */
export class DeliveryRetryError extends Error {
  constructor(readonly outcome: DeliveryOutcome) {
    super(`Notification delivery attempt ${outcome.attempts} failed: ${outcome.error ?? 'unknown error'}`);
    this.name = 'DeliveryRetryError';
  }
}

type Claimed = {
  attempts: number;
  event: string;
  payload: unknown;
  kind: ChannelKind;
  url: string | null;
  recipients: string[];
  enabled: boolean;
  channelId: string;
};

/** Counts the attempt on a still-pending delivery; null if there is nothing to send. */
async function claim(deliveryId: string): Promise<Claimed | null> {
  const rows = await db.$queryRaw<Claimed[]>`
    UPDATE notification_deliveries d SET attempts = d.attempts + 1
    FROM notification_channels c
    WHERE d.id = ${deliveryId}::uuid AND d.status = 'pending' AND c.id = d.channel_id
    RETURNING d.attempts, d.event, d.payload, c.kind::text AS kind, c.url, c.recipients, c.enabled, c.id::text AS "channelId"`;
  return rows[0] ?? null;
}

const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

export async function deliver(deliveryId: string, options: DeliverOptions = {}): Promise<DeliveryOutcome> {
  const clock = options.clock ?? appClock();
  const claimed = await claim(deliveryId);
  if (!claimed) return { status: 'skipped', attempts: 0, statusCode: null, error: null };
  const { attempts } = claimed;

  const finish = async (status: DeliveryStatus, statusCode: number | null, error: string | null): Promise<DeliveryOutcome> => {
    await db.notificationDelivery.update({
      where: { id: deliveryId },
      data: {
        status,
        lastStatusCode: statusCode,
        lastError: error,
        deliveredAt: status === 'delivered' ? clock.now() : undefined,
      },
    });
    return { status, attempts, statusCode, error };
  };

  if (!claimed.enabled && !options.evenIfDisabled) {
    return finish('failed', null, 'The channel was disabled before this event was sent.');
  }
  const payload = ZNotificationPayload.safeParse(claimed.payload);
  if (!payload.success) return finish('failed', null, 'The stored event is not in a format this version can send.');

  const attempt = claimed.kind === 'email' ? await attemptEmail(claimed, payload.data) : await attemptWebhook(claimed, deliveryId, payload.data);
  if (!attempt.error) return finish('delivered', attempt.statusCode, null);
  const final = options.finalAttempt || attempts >= DELIVERY_MAX_ATTEMPTS;
  if (attempt.permanent || final) return finish('failed', attempt.statusCode, attempt.error);
  const outcome = await finish('pending', attempt.statusCode, attempt.error);
  throw new DeliveryRetryError(outcome);
}

/** One attempt's result: no error means it was accepted; `permanent` means retrying cannot help. */
type Attempt = { statusCode: number | null; error: string | null; permanent: boolean };

async function attemptWebhook(claimed: Claimed, deliveryId: string, payload: NotificationPayload): Promise<Attempt> {
  if (!claimed.url) return { statusCode: null, error: 'The channel has no webhook URL.', permanent: true };
  const body = formatBody(claimed.kind, payload);
  // Signature timestamps are wall-clock time on purpose: receivers compare them with their
  // own clocks, which a test clock moved into the future would only make them refuse.
  const timestamp = Math.floor(systemClock.now().getTime() / 1000);
  const timeoutMs = env().NOTIFICATION_TIMEOUT_MS;
  try {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'secret-inventory-webhooks/1',
      [EVENT_HEADER]: claimed.event,
      [DELIVERY_HEADER]: deliveryId,
      [SIGNATURE_HEADER]: signatureHeader(channelSigningKey(claimed.channelId), body, timestamp),
    };
    const statusCode = (await egressPost(claimed.url, headers, body, timeoutMs)).status;
    if (statusCode >= 200 && statusCode < 300) return { statusCode, error: null, permanent: false };
    const error = statusCode >= 300 && statusCode < 400 ? `HTTP ${statusCode}: redirects are not followed; use the final URL.` : `HTTP ${statusCode}`;
    return { statusCode, error, permanent: !retryable(statusCode) };
  } catch (e) {
    // A refused address stays refused until the operator changes EGRESS_ALLOW: no retries.
    return { statusCode: null, error: describeNetworkError(e, timeoutMs), permanent: e instanceof EgressRefusedError };
  }
}

async function attemptEmail(claimed: Claimed, payload: NotificationPayload): Promise<Attempt> {
  if (claimed.recipients.length === 0) return { statusCode: null, error: 'The channel has no recipients.', permanent: true };
  const sent = await sendEmail({ to: claimed.recipients, ...emailMessage(payload) });
  return sent.sent ? { statusCode: null, error: null, permanent: false } : { statusCode: null, error: sent.error, permanent: sent.permanent };
}
/**
 * Re-sends jobs for deliveries that were recorded but never attempted for a couple of
 * minutes (their job was lost between commit and send). Returns the ids re-sent; a job
 * still queued for one of them absorbs the duplicate (singleton key).
 */
export async function pendingUnattemptedDeliveries(): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM notification_deliveries
    WHERE status = 'pending' AND attempts = 0 AND created_at < now() - interval '2 minutes'
    ORDER BY created_at LIMIT 500`;
  return rows.map((r) => r.id);
}
