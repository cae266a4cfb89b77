// One POST of a JSON body to a sink's URL, exactly as configured: no redirects followed
// (a redirect would carry the trail somewhere nobody chose), the socket through the
// egress policy's agents. Resolves on a 2xx; anything else is a SinkSendError carrying
// Retry-After on 429 and 503. The receiver's body is never read.
import 'server-only';
import http from 'node:http';
import https from 'node:https';
import { egressAgents } from '@/lib/net/egress';
import { retryAfterMs, SinkSendError } from './send-errors';

export function postJson(url: string, headers: Record<string, string>, body: string, timeoutMs: number, now: Date): Promise<void> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const { httpAgent, httpsAgent } = egressAgents();
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      target,
      {
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'secret-inventory-audit-stream/1',
          ...headers,
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        if (status >= 200 && status < 300) return resolve();
        const wait = status === 429 || status === 503 ? retryAfterMs(response.headers['retry-after'], now) : null;
        reject(new SinkSendError(`HTTP ${status}${wait !== null ? ` (retry after ${Math.ceil(wait / 1000)} s)` : ''}`, wait));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
