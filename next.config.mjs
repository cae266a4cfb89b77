// Plain JavaScript on purpose: a next.config.ts makes every server start load Next's SWC
// compiler (a 26 MB native addon that stays mapped) just to transpile this file.
import { PROXY_BODY_BUFFER_BYTES, SERVER_ACTION_BODY_LIMIT } from './lib/body-limits.mjs';

// Headers for every response, static files included; the CSP (with its nonce) is set
// per request in proxy.ts.
const securityHeaders = [
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

/** @type {import('next').NextConfig} */
const config = {
  poweredByHeader: false,
  // The dev server otherwise logs every server action's arguments, which would include
  // whatever a person typed into a form.
  logging: { serverFunctions: false },
  // The GCP SDK reads its .proto descriptors from its own folder at run time, and
  // @node-rs/crc32 loads a native binary: both must stay plain node_modules. prom-client:
  // one registry shared with scripts/server.mjs, which times every request into it.
  serverExternalPackages: [
    '@google-cloud/secret-manager',
    '@grpc/grpc-js',
    '@node-rs/argon2',
    '@node-rs/crc32',
    'pg',
    'pg-boss',
    'prom-client',
    'rate-limiter-flexible',
  ],
  experimental: {
    // CSV import sends up to 5 MB of text to a server action; its encoding (escaped quotes
    // and line breaks) adds some.
    serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT },
    // Above every body limit (lib/body-limits.mjs): Next cuts a body at this size without a
    // word, so a route must see an oversized chunked body as oversized, not as truncated.
    proxyClientMaxBodySize: PROXY_BODY_BUFFER_BYTES,
  },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default config;
