// HTTP request durations for Prometheus, observed where every request passes: the node:http
// server in scripts/server.mjs (pages, route handlers, server actions, static files). Next
// does not tell a custom server which route it matched, so the route label is the route
// template the path matches in the build's routes manifest (`/inventory/[id]`), never the
// raw path: ids would make a series per secret. Unmatched paths (404s, probes) share one
// label. The histogram lives in prom-client's default registry, which the app's /api/metrics
// and metrics port read (prom-client is a server external package in next.config.mjs, so
// the app and this file load the same module).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import client from 'prom-client';

export const HTTP_DURATION_METRIC = 'http_request_duration_seconds';
const OTHER = 'other';

/**
 * The route template of a path: the first static route equal to it, else the first dynamic
 * route whose pattern matches (the manifest lists them in Next's own matching order), else
 * 'other'. Next's build files (/_next/...) are one route each by their folder.
 */
export function routeLabeler(manifest) {
  const statics = new Map((manifest.staticRoutes ?? []).map((r) => [r.page, r.page]));
  const dynamics = (manifest.dynamicRoutes ?? []).map((r) => ({ page: r.page, regex: new RegExp(r.regex) }));
  return (pathname) => {
    if (pathname.startsWith('/_next/')) return pathname.startsWith('/_next/static/') ? '/_next/static' : '/_next';
    const bare = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
    const exact = statics.get(bare);
    if (exact) return exact;
    for (const route of dynamics) if (route.regex.test(bare)) return route.page;
    return OTHER;
  };
}

/** The labeler for the build in `root` (.next/routes-manifest.json); every path is 'other' without one (the development server). */
export function buildRouteLabeler(root) {
  try {
    return routeLabeler(JSON.parse(readFileSync(path.join(root, '.next/routes-manifest.json'), 'utf8')));
  } catch {
    return () => OTHER;
  }
}

/** Gets or creates the histogram (once per process, whatever loads this first). */
function histogram() {
  return (
    client.register.getSingleMetric(HTTP_DURATION_METRIC) ??
    new client.Histogram({
      name: HTTP_DURATION_METRIC,
      help: 'HTTP requests served by this instance, by method, route template and status, until the response ended',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    })
  );
}

/** A function that times one request: call it with the request and response as they arrive. */
export function requestTimer(labelOf) {
  const metric = histogram();
  return (req, res) => {
    const end = metric.startTimer();
    let pathname = '/';
    try {
      pathname = new URL(req.url ?? '/', 'http://x').pathname;
    } catch {
      // A request line no URL parser accepts: counted under 'other'.
    }
    // 'close' also ends a request whose client went away before the response finished.
    res.once('close', () => end({ method: req.method ?? 'GET', route: labelOf(pathname), status: String(res.statusCode) }));
  };
}
