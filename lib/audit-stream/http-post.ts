// One POST of a JSON body to a sink's URL (lib/net/egress-post.ts: exactly as configured,
// no redirects, through the egress policy). Resolves on a 2xx; anything else is a
// SinkSendError carrying Retry-After on 429 and 503. The receiver's body is never read.
import 'server-only';
import { egressPost } from '@/lib/net/egress-post';
import { retryAfterMs, SinkSendError } from './send-errors';

export async function postJson(url: string, headers: Record<string, string>, body: string, timeoutMs: number, now: Date): Promise<void> {
  const response = await egressPost(url, { 'content-type': 'application/json', 'user-agent': 'secret-inventory-audit-stream/1', ...headers }, body, timeoutMs);
  const { status } = response;
  if (status >= 200 && status < 300) return;
  const wait = status === 429 || status === 503 ? retryAfterMs(response.headers['retry-after'], now) : null;
  throw new SinkSendError(`HTTP ${status}${wait !== null ? ` (retry after ${Math.ceil(wait / 1000)} s)` : ''}`, wait);
}
