// One POST to a URL exactly as an administrator configured it (a notification webhook, an
// audit sink): no rewriting and no redirects followed (a redirect would carry a signed body
// somewhere nobody chose), the socket through the egress policy's agents (lib/net/egress.ts).
// Resolves with the status and headers only: the receiver's body is never read, so nothing it
// says is stored or shown. Failures are described in our own words by describeNetworkError.
import 'server-only';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { EgressRefusedError, egressAgents } from './egress';

export function egressPost(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
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
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers });
        response.destroy();
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Our words for a connection that got no answer; the library's text is not passed on. */
export function describeNetworkError(error: unknown, timeoutMs: number): string {
  // Our own refusal (the egress policy), in our own words.
  if (error instanceof EgressRefusedError) return error.message;
  const name = (error as { name?: string })?.name;
  const code = String((error as { code?: unknown })?.code ?? '');
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ETIMEDOUT') return `No answer within ${Math.round(timeoutMs / 100) / 10} s.`;
  if (code === 'ECONNREFUSED') return 'The connection was refused.';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'The host name could not be resolved.';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'The connection was closed before everything was sent.';
  // The code (e.g. DEPTH_ZERO_SELF_SIGNED_CERT) is Node's name for why, not anything the receiver sent.
  if (TLS_CODES.test(code)) return `The receiver's TLS certificate was not accepted (${code}).`;
  return 'The request failed before it completed.';
}
