// Sign-out through next-auth's own endpoint, as `signOut` from next-auth/react does it:
// fetch the CSRF token (/api/auth/csrf also sets its cookie), POST it to /api/auth/signout
// (which ends the session and clears the cookie), then go where it answers. Not that
// module itself: its client (~12 kB gzip) would otherwise ship on every dashboard page
// for these two requests. The POST is same-origin, so lib/auth/cross-site.ts lets it in.

/** Signs this browser out, then loads `callbackUrl` (a path on this dashboard). */
export async function signOut(callbackUrl: string): Promise<void> {
  const { csrfToken } = (await (await fetch('/api/auth/csrf')).json()) as { csrfToken: string };
  const res = await fetch('/api/auth/signout', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, callbackUrl, json: 'true' }),
  });
  const { url } = (await res.json()) as { url?: string };
  window.location.href = url ?? callbackUrl;
}
