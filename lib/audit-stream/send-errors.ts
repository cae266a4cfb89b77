// Our own words for a send that failed: what the sink's page shows and the worker logs.
// Never the receiver's answer (nothing it says is read or stored) and never a payload.
import { describeNetworkError } from '@/lib/net/egress-post';

/** A send that failed; `retryAfterMs` when the receiver asked us to wait (429/503 Retry-After). */
export class SinkSendError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SinkSendError';
  }
}

/** Our words for a failed send: our own errors as they are, network failures as lib/net describes them. */
export function describeSendError(error: unknown, timeoutMs: number): string {
  if (error instanceof SinkSendError) return error.message;
  return describeNetworkError(error, timeoutMs);
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | string[] | undefined, now: Date): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
