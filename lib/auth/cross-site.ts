// Cross-site request refusal for route handlers, as Next does for server actions: a
// request another site's page made a browser send (with the victim's cookies) is refused
// with 403 and audited. One helper, called first by every route handler that changes
// state or costs real work (exports, bundles, bundle verification, next-auth's POSTs).
//
// The browser says where a request comes from in two headers a page cannot forge:
// Sec-Fetch-Site (all current browsers, on every request) and Origin (on every POST, and on
// cross-origin GETs made by scripts). The rule:
//   - Sec-Fetch-Site other than same-origin or none (typed, bookmarked) is refused;
//   - an Origin that is not this dashboard's is refused;
//   - a POST without Origin is refused (every browser since 2020 sends one; an old one that
//     does not cannot be told apart from a forged form);
//   - a GET with neither header is served: it does not come from a current browser, and an
//     old browser sends no session cookie with another site's <img>/fetch (the cookie is
//     SameSite=Lax), so at most a top-level link can start a download, into the victim's own
//     browser, of data they may read anyway; no value ever leaves through it.
import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { getCaller } from './session';

export type CrossSiteReason = 'cross_site_fetch' | 'foreign_origin' | 'missing_origin';

export type RequestOrigin = {
  method: string;
  origin: string | null;
  secFetchSite: string | null;
  /** The host the request was addressed to (X-Forwarded-Host as the server vouched for it, else Host). */
  host: string | null;
  /** NEXTAUTH_URL: the public origin, also accepted. */
  publicUrl?: string;
};

/** Why the request is cross-site, or null when it may be served. Pure. */
export function crossSiteReason(r: RequestOrigin): CrossSiteReason | null {
  if (r.secFetchSite && r.secFetchSite !== 'same-origin' && r.secFetchSite !== 'none') return 'cross_site_fetch';
  if (r.origin) {
    let host: string | null = null;
    try {
      const url = new URL(r.origin);
      host = url.host;
      if (r.publicUrl && url.origin === new URL(r.publicUrl).origin) return null;
    } catch {
      // "null" (sandboxed frames, file: pages) and junk: not this dashboard.
    }
    return host && host === r.host ? null : 'foreign_origin';
  }
  return r.method === 'GET' || r.method === 'HEAD' ? null : 'missing_origin';
}

/** A 403 response (the refusal audited) when `request` is cross-site, else null: serve it. */
export async function refuseCrossSite(request: Request): Promise<Response | null> {
  const h = request.headers;
  const facts: RequestOrigin = {
    method: request.method.toUpperCase(),
    origin: h.get('origin'),
    secFetchSite: h.get('sec-fetch-site'),
    host: h.get('x-forwarded-host') ?? h.get('host'),
    publicUrl: env().NEXTAUTH_URL,
  };
  const reason = crossSiteReason(facts);
  if (!reason) return null;
  await recordAudit(db, await getCaller(), {
    action: 'request.cross_site',
    outcome: 'denied',
    targetType: 'route',
    targetId: `${facts.method} ${new URL(request.url).pathname}`.slice(0, 200),
    detail: { reason, origin: facts.origin?.slice(0, 200) ?? null, secFetchSite: facts.secFetchSite?.slice(0, 40) ?? null },
  });
  return Response.json(
    { error: 'Refused: this request came from another site. Open it from the dashboard itself.' },
    { status: 403, headers: { 'cache-control': 'no-store' } },
  );
}
