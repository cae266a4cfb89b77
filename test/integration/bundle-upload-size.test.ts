// An evidence bundle uploaded without a Content-Length (Transfer-Encoding: chunked) is
// refused as too large just like one that declares its size. The request goes through a
// real node:http server and Next's own body buffering for the proxy (getCloneableBody,
// with next.config.mjs's limit), which cuts a body at that limit without a word: the route
// must still see an oversized upload as oversized, never verify a truncated one.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NextRequest } from 'next/server';
import { getCloneableBody } from 'next/dist/server/body-streams';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Caller } from '@/lib/auth/caller';
import { MAX_BUNDLE_UPLOAD_BYTES } from '@/lib/export/bundle/verify-upload';
import nextConfig from '@/next.config.mjs';
import { uploadZip } from '../support/chunked-upload';
import { callerAs } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

const session = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock('@/lib/auth/session', () => ({ getCaller: async () => session.caller }));
const { POST } = await import('@/app/api/audit/verify-bundle/route');

useTestDatabase();

const MB = 1024 * 1024;

/**
 * The request body as a web stream that reads only when the route pulls, so a route that
 * stops early (the 413) cancels the read instead of racing pushed chunks into a closed
 * stream (Readable.toWeb pushes: "Controller is already closed", an uncaught error).
 */
function pulled(req: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new Uint8Array(next.value as Buffer));
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

/** What Next does before a route handler when proxy.ts runs: buffer the body, let the proxy read a copy, hand the route the buffer. */
async function throughNext(req: IncomingMessage): Promise<Response> {
  const body = getCloneableBody(req, nextConfig.experimental?.proxyClientMaxBodySize as number | undefined);
  body.cloneBodyStream().resume(); // the proxy's copy (proxy.ts does not read it)
  await body.finalize();
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const init = { method: req.method, headers, body: pulled(req), duplex: 'half' };
  return POST(new NextRequest(`http://${req.headers.host}${req.url}`, init as ConstructorParameters<typeof NextRequest>[1]));
}

let server: Server;
let port: number;

beforeAll(async () => {
  session.caller = await callerAs('auditor');
  server = createServer((req, res) => {
    throughNext(req)
      .then(async (response) => {
        res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' });
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** POSTs `total` bytes to the verify page's route, with or without a Content-Length. */
function upload(total: number, chunked: boolean) {
  const origin = `http://127.0.0.1:${port}`;
  return uploadZip(`${origin}/api/audit/verify-bundle`, total, { chunked, headers: { origin } });
}

const TOO_LARGE = 'The bundle is larger than 10 MB: verify it with `npm run audit:verify-bundle <file>` instead.';

describe('the size limit of a bundle upload', () => {
  for (const total of [MAX_BUNDLE_UPLOAD_BYTES + 1, 12 * MB, 40 * MB]) {
    it(`refuses ${total} bytes sent chunked (no Content-Length) with 413`, async () => {
      const response = await upload(total, true);
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toEqual({ error: TOO_LARGE });
    });
  }

  it('refuses the same with a Content-Length, and checks a small chunked body', async () => {
    expect((await upload(12 * MB, false)).status).toBe(413);
    const small = await upload(1000, true);
    expect(small.status).toBe(200);
    expect(JSON.parse(small.body)).toMatchObject({ ok: false });
  });
});
