// Where to send someone after sign-in: only somewhere on this dashboard. A callbackUrl
// comes from the query string, so anyone can craft a sign-in link; checking its first
// characters is not enough ("/\evil.example" and "/.//evil.example" both leave the site
// once a browser resolves them). The target is resolved as a browser would, against the
// app's own origin, and kept only if it stays there. Pure, so it is unit-tested alone.

/** The same-origin path (with query and fragment) `target` resolves to, or null. */
export function sameOriginPath(target: string | null | undefined, origin: string): string | null {
  if (!target) return null;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(target, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin) return null;
  // A path that starts with "//" is read as another host when sent as a relative Location.
  return `/${url.pathname.replace(/^\/+/, '')}${url.search}${url.hash}`;
}

/** next-auth's redirect callback: same-origin targets as absolute URLs, anything else home. */
export function nextAuthRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  const path = sameOriginPath(url, baseUrl);
  return path ? new URL(path, baseUrl).href : baseUrl;
}

/**
 * Request header proxy.ts sets on every request: the path and query the browser asked
 * for. It exists only so a page that needs a sign-in can send the visitor back to the
 * same view afterwards (a server component is not told its own URL). proxy.ts always
 * overwrites it, and it is used for nothing but building a same-origin callbackUrl.
 */
export const REQUEST_PATH_HEADER = 'x-pathname';

// Any fixed origin will do: only whether the path stays on it matters, not which it is.
const PLACEHOLDER_ORIGIN = 'http://dashboard.invalid';

/** The sign-in page's address, with a way back to `requestPath` when it is a page on this site. */
export function signInPathFor(requestPath: string | null | undefined): string {
  const back = sameOriginPath(requestPath, PLACEHOLDER_ORIGIN);
  // The sign-in page itself is no way back: it would only loop.
  if (!back || back === '/sign-in' || back.startsWith('/sign-in?')) return '/sign-in';
  return `/sign-in?${new URLSearchParams({ callbackUrl: back })}`;
}
