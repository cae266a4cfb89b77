// Runs before every page and API request: stamps a request id (recorded in audit
// events) and the path asked for (the way back after a sign-in), and sets the
// Content-Security-Policy with a per-request nonce, so inline scripts from Next run and
// injected ones do not.
import { NextResponse, type NextRequest } from 'next/server';
import { REQUEST_PATH_HEADER } from '@/lib/auth/callback-url';
import { isDevelopment } from '@/lib/env';

/** Path and query of the request, without Next's internal RSC cache-busting parameter. */
function requestPath(request: NextRequest): string {
  const url = request.nextUrl.clone();
  url.searchParams.delete('_rsc');
  return `${url.pathname}${url.search}`;
}

export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const requestId = crypto.randomUUID();
  const dev = isDevelopment();
  const csp = [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');

  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('x-request-id', requestId);
  // Always overwritten: whatever a client sent under this name never reaches a page.
  headers.set(REQUEST_PATH_HEADER, requestPath(request));
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', csp);
  response.headers.set('x-request-id', requestId);
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  if (https) response.headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
  return response;
}

// The leak check's file upload (app/api/leak-check/upload, up to 50 MB) is left out: Next
// buffers a request's whole body for the proxy (up to proxyClientMaxBodySize) before the
// route sees it, but only for requests the proxy runs on. Out of the matcher, the upload
// streams straight to the route, which reads it with its own byte limit; raising the buffer
// above 50 MB instead would let a request to any route hold that much memory. The route
// answers NDJSON (no page, so no CSP nonce is needed) and makes its own request id.
export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico|api/leak-check/upload).*)' }],
};
