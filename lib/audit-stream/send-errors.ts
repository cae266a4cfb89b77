// Our own words for a send that failed: what the sink's page shows and the worker logs.
// Never the receiver's answer (nothing it says is read or stored) and never a payload.
import { EgressRefusedError } from '@/lib/net/egress';

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

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;

export function describeSendError(error: unknown, timeoutMs: number): string {
  if (error instanceof SinkSendError || error instanceof EgressRefusedError) return error.message;
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `No answer within ${Math.round(timeoutMs / 100) / 10} s.`;
  const code = String((error as { code?: unknown })?.code ?? '');
  if (code === 'ECONNREFUSED') return 'The connection was refused.';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'The host name could not be resolved.';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'The connection was closed before everything was sent.';
  if (code === 'ETIMEDOUT') return `No answer within ${Math.round(timeoutMs / 100) / 10} s.`;
  // The code (e.g. DEPTH_ZERO_SELF_SIGNED_CERT) is Node's name for why, not anything the receiver sent.
  if (TLS_CODES.test(code)) return `The receiver's TLS certificate was not accepted (${code}).`;
  return 'The send failed before it completed.';
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | string[] | undefined, now: Date): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
