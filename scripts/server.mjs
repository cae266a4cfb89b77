// The dashboard's HTTP server: Next.js behind a plain node:http server, so that the
// request identity the app records comes from the socket and not from the client.
//
// Why not `next start`: route handlers and pages never see the socket, only headers, and
// Next fills X-Forwarded-For only when the client sent none, so any client could choose the
// IP its audit events and sign-in limits are keyed on. This server rewrites the forwarded
// headers to what it can vouch for (scripts/lib/forwarded.mjs: the socket's peer, or the
// client entry TRUST_PROXY proxy hops deep) before handing each request to Next. Nothing
// else differs from `next start` / `next dev` (Next's documented custom-server API).
//
//   node scripts/server.mjs [--dev] [--hostname <host>]   (port: $PORT, default 3000)
//
// `npm start`, `npm run dev`, the Docker image (through start.mjs) and the e2e setup all run
// the app through this file.
//
// First, before React loads: finished renders must not stay reachable (react/react#37288).
import './lib/flight-abort-reason.mjs';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseTrustProxy, vouchForwardedHeaders } from './lib/forwarded.mjs';
import { buildRouteLabeler, requestTimer } from './lib/http-metrics.mjs';
import { refuseWithoutReplicaKeys } from './lib/replica-keys.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const argv = process.argv.slice(2);
const dev = argv.includes('--dev');
const at = argv.indexOf('--hostname');
const hostname = at >= 0 ? argv[at + 1] : undefined;
const port = Number(process.env.PORT ?? 3000);

let trustProxy;
try {
  // npm start (embedded database) has set them by now; with an external one they are configuration.
  refuseWithoutReplicaKeys('The server');
  trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

// As `next start` / `next dev` do; set before Next is loaded, which reads it at import.
process.env.NODE_ENV ??= dev ? 'development' : 'production';
const { default: next } = await import('next');
const app = next({ dev, dir: root, hostname: hostname ?? 'localhost', port });
const handle = app.getRequestHandler();
await app.prepare();
// Request durations by route template (Prometheus: /api/metrics, METRICS_PORT).
const timeRequest = requestTimer(buildRouteLabeler(root));

const server = createServer((req, res) => {
  timeRequest(req, res);
  vouchForwardedHeaders(req, trustProxy);
  handle(req, res).catch((error) => {
    console.error('request failed', error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.listen(port, hostname, () => {
  console.log(`Server ready on http://${hostname ?? 'localhost'}:${port} (${dev ? 'development' : 'production'}; trusted proxy hops: ${trustProxy})`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Streams in flight (a long export) get a few seconds, then the process goes anyway.
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
