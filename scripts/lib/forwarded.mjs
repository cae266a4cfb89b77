// Which client address the server can vouch for, and the forwarded headers it hands to
// Next. Used by scripts/server.mjs on every request, before Next sees it.
//
// Next's own server only fills X-Forwarded-For when the client sent none, so by itself the
// header says whatever the client wrote. Here the socket's peer is the client, unless the
// operator said that TRUST_PROXY=<n> proxies of theirs stand in front of the app: then the
// peer is the nearest proxy, each proxy appends the address it saw, and the client is the
// entry n hops from the right (the entries left of it are whatever the client sent).
import net from 'node:net';

export const TRUST_PROXY_HELP =
  'TRUST_PROXY is the number of reverse proxies of yours in front of the app (0 when clients connect directly; 1 behind one load balancer)';

/** TRUST_PROXY as a hop count. "false" and empty mean 0; "true" is refused (it used to mean "believe the header"). */
export function parseTrustProxy(raw) {
  const text = (raw ?? '').trim().toLowerCase();
  if (text === '' || text === 'false') return 0;
  if (!/^\d{1,2}$/.test(text)) throw new Error(`${TRUST_PROXY_HELP}; got "${raw}".`);
  return Number(text);
}

/** "::ffff:10.0.0.1" -> "10.0.0.1"; anything that is not an IP address -> null. */
export function normalizeAddress(value) {
  const address = (value ?? '').trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return net.isIP(address) ? address : null;
}

/**
 * The client's address: the socket peer when no proxy is trusted, else the X-Forwarded-For
 * entry `trustProxy` hops from the right (the leftmost one when the chain is shorter, as
 * when a request reached an inner proxy directly). Null only without a socket address.
 */
export function clientAddress(socketAddress, forwardedFor, trustProxy) {
  const peer = normalizeAddress(socketAddress);
  if (trustProxy <= 0) return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) return peer;
  // A malformed entry from a trusted proxy is a configuration error: record the peer rather
  // than a string nobody can act on.
  return normalizeAddress(chain[Math.max(0, chain.length - trustProxy)]) ?? peer;
}

/**
 * Rewrites the request's forwarded headers to what this server vouches for: exactly one
 * X-Forwarded-For entry (the client address), no X-Real-IP, and, unless a proxy is
 * trusted, no client-sent X-Forwarded-Host/Proto/Port (Next then fills them from the Host
 * header and the socket; its server-action origin check compares against them).
 */
export function vouchForwardedHeaders(req, trustProxy) {
  const headers = req.headers;
  const client = clientAddress(req.socket?.remoteAddress, headers['x-forwarded-for'], trustProxy);
  delete headers['x-real-ip'];
  if (trustProxy <= 0) {
    delete headers['x-forwarded-host'];
    delete headers['x-forwarded-proto'];
    delete headers['x-forwarded-port'];
  }
  if (client) headers['x-forwarded-for'] = client;
  else delete headers['x-forwarded-for'];
}
