// What the browser fetches when a filter, sort or page changes. A list page that renders
// its rows in the browser fetches them from its JSON route (LIST_ROUTES). Elsewhere Next's
// client router does not load the page's HTML again but asks for its RSC payload, telling
// the server which route it already shows (Next-Router-State-Tree) so that the layouts it
// has are not rendered again. Headers as Next 16's fetchServerResponse sends them (recorded from one
// filter change in chromium), and the `_rsc` cache-busting parameter Next computes from
// them: the server redirects a request whose `_rsc` does not match.
import { computeCacheBustingSearchParam } from 'next/dist/shared/lib/router/utils/cache-busting-search-param';

type RouterState = [segment: string, children: Record<string, RouterState>, url?: null, refresh?: null | 'refetch'];

/**
 * The router state of a page shown at `segments` (the app/ folders from the root layout
 * down, route groups included), with its page segment marked for refetching, as the
 * client sends it when the page's search parameters change.
 */
function routerState(segments: string[]): RouterState {
  const page: RouterState = ['__PAGE__', {}, null, 'refetch'];
  return ['', ...segments].reduceRight<RouterState>((child, segment) => [segment, { children: child }, null, null], page);
}

/** Pages whose later views are fetched as JSON (components/inventory/list-view.tsx, components/audit/list-view.tsx), by path. */
const LIST_ROUTES: Record<string, string> = { '/inventory': '/api/inventory/rows', '/audit': '/api/audit/events' };

/**
 * The URL and headers of a client-side navigation to `pathAndQuery` from another view
 * of the same page (`segments`, e.g. ['(dashboard)', 'inventory', '(list)']).
 */
export async function navigationRequest(base: string, pathAndQuery: string, segments: string[]): Promise<{ url: string; headers: Record<string, string> }> {
  const url = new URL(pathAndQuery, base);
  const route = LIST_ROUTES[url.pathname];
  // As fetch() sends it from the page: same-origin, asking for JSON.
  if (route) return { url: new URL(`${route}${url.search}`, base).toString(), headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' } };
  const tree = encodeURIComponent(JSON.stringify(routerState(segments)));
  const headers = { rsc: '1', 'next-router-state-tree': tree, 'next-url': url.pathname };
  url.searchParams.set('_rsc', await computeCacheBustingSearchParam(undefined, undefined, tree, url.pathname));
  return { url: url.toString(), headers };
}
