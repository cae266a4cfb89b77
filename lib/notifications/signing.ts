// Webhook signatures, so receivers can tell our posts from anyone else's and refuse
// replays. Each channel has its own key, DERIVED from a server key and the channel id
// (HMAC-SHA256), so no signing key is stored anywhere: the channel page recomputes it
// to show admins, the worker recomputes it to sign.
//
// Header:  X-Secret-Inventory-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
// Signed:  `${t}.${body}` with the channel's key (its text, as UTF-8 bytes).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { env } from '@/lib/env';

export const SIGNATURE_HEADER = 'X-Secret-Inventory-Signature';
export const EVENT_HEADER = 'X-Secret-Inventory-Event';
export const DELIVERY_HEADER = 'X-Secret-Inventory-Delivery';

/** Receivers should refuse signatures older (or newer) than this. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmacHex = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

/** NOTIFICATION_SIGNING_KEY, or a key derived from NEXTAUTH_SECRET for this purpose only. */
function serverKey(): string {
  const e = env();
  return e.NOTIFICATION_SIGNING_KEY ?? hmacHex(e.NEXTAUTH_SECRET, 'secret-inventory/notification-signing/v1');
}

/** An audit sink's signing key (webhook and OTLP posts, lib/audit-stream/): derived the same way. */
export function auditSinkSigningKey(sinkId: string): string {
  return hmacHex(serverKey(), `audit-sink:${sinkId}`);
}

/** The channel's signing key: 64 hex characters, stable while the server key is. */
export function channelSigningKey(channelId: string): string {
  return hmacHex(serverKey(), `notification-channel:${channelId}`);
}

export function signatureHeader(key: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(key, `${unixSeconds}.${body}`)}`;
}

/**
 * Checks a signature header against the raw body and the channel key, for receivers and
 * tests. Any matching v1 entry passes (room for key rollover); the timestamp must be
 * within `toleranceSeconds` of `nowSeconds`.
 */
export function verifySignature(
  header: string | null | undefined,
  body: string,
  key: string,
  { nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(key, `${t}.${body}`), 'hex');
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !v || !/^[0-9a-f]{64}$/.test(v)) return false;
    return timingSafeEqual(Buffer.from(v, 'hex'), expected);
  });
}
