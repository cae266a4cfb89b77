// The client address the server vouches for: the socket unless proxies are trusted, then
// the entry that many hops from the right; and the headers a request reaches Next with.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustProxy, vouchForwardedHeaders } from './forwarded.mjs';

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.9', 0)).toBe('10.0.0.5');
    expect(clientAddress('::ffff:10.0.0.5', '203.0.113.9, 198.51.100.1', 0)).toBe('10.0.0.5');
    expect(clientAddress('::1', undefined, 0)).toBe('::1');
  });

  it('takes the entry TRUST_PROXY hops from the right, never a client-written one further left', () => {
    const chain = 'spoofed-by-client, 203.0.113.9, 10.0.0.2';
    expect(clientAddress('10.0.0.1', chain, 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.1', chain, 2)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', ['203.0.113.9', '10.0.0.2'], 2)).toBe('203.0.113.9');
    // Shorter than the hop count (the inner proxy was reached directly): the leftmost entry.
    expect(clientAddress('10.0.0.1', '203.0.113.9', 2)).toBe('203.0.113.9');
    // Nothing usable from the proxy: the peer.
    expect(clientAddress('10.0.0.1', '', 1)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', 'unknown', 1)).toBe('10.0.0.1');
  });
});

describe('parseTrustProxy', () => {
  it('reads a hop count, treats false/empty as 0 and refuses "true" (it once meant "believe the header")', () => {
    expect(parseTrustProxy(undefined)).toBe(0);
    expect(parseTrustProxy('')).toBe(0);
    expect(parseTrustProxy('false')).toBe(0);
    expect(parseTrustProxy(' 2 ')).toBe(2);
    expect(() => parseTrustProxy('true')).toThrow(/number of reverse proxies/);
    expect(() => parseTrustProxy('-1')).toThrow(/TRUST_PROXY/);
  });
});

/** What a handler behind vouchForwardedHeaders sees for a request sent with `sent`. */
async function headersSeen(trustProxy: number, sent: Record<string, string>): Promise<IncomingHttpHeaders> {
  let seen: IncomingHttpHeaders = {};
  const server = createServer((req, res) => {
    vouchForwardedHeaders(req, trustProxy);
    seen = { ...req.headers };
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers: sent });
    await response.arrayBuffer();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return seen;
}

describe('vouchForwardedHeaders', () => {
  const spoofed = {
    'x-forwarded-for': '203.0.113.9',
    'x-real-ip': '203.0.113.10',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
  };

  it('replaces a client-chosen address with the socket address and drops forwarded host and proto', async () => {
    const seen = await headersSeen(0, spoofed);
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-real-ip']).toBeUndefined();
    expect(seen['x-forwarded-host']).toBeUndefined();
    expect(seen['x-forwarded-proto']).toBeUndefined();
  });

  it('behind one trusted proxy keeps only the address that proxy saw, and its host and proto', async () => {
    const seen = await headersSeen(1, { ...spoofed, 'x-forwarded-for': 'spoofed-by-client, 198.51.100.7' });
    expect(seen['x-forwarded-for']).toBe('198.51.100.7');
    expect(seen['x-real-ip']).toBeUndefined();
    expect(seen['x-forwarded-host']).toBe('evil.example');
    expect(seen['x-forwarded-proto']).toBe('https');
  });
});
