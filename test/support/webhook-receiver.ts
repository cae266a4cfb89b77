// A webhook receiver on loopback for tests: records every request (headers and raw body)
// and answers with the status codes a test queues up (200 once the queue is empty), or
// never answers at all, to let a test see timeouts.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export type ReceivedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: string };

export type WebhookReceiver = {
  url: (path?: string) => string;
  received: ReceivedRequest[];
  /** Status codes (and optional body) for the next requests, in order. */
  respondWith: (...responses: (number | { status: number; body: string })[]) => void;
  /** Hold every request open without answering until close(). */
  hang: () => void;
  /** Resolves once `count` requests have arrived. */
  waitForRequests: (count: number, timeoutMs?: number) => Promise<ReceivedRequest[]>;
  close: () => Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const queue: { status: number; body: string }[] = [];
  let hanging = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (hanging) return;
      const next = queue.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(next.status, { 'content-type': 'text/plain' });
      res.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    respondWith: (...responses) => {
      for (const r of responses) queue.push(typeof r === 'number' ? { status: r, body: `status ${r}` } : r);
    },
    hang: () => {
      hanging = true;
    },
    async waitForRequests(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
