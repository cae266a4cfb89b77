import type { NextConfig } from 'next';

// Headers for every response, static files included; the CSP (with its nonce) is set
// per request in proxy.ts.
const securityHeaders = [
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const config: NextConfig = {
  poweredByHeader: false,
  // The dev server otherwise logs every server action's arguments, which would include
  // whatever a person typed into a form.
  logging: { serverFunctions: false },
  serverExternalPackages: ['@node-rs/argon2', 'pg', 'rate-limiter-flexible'],
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default config;
