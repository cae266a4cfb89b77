// METRICS_PORT: Prometheus text on a port of its own, with no sign-in, for in-cluster
// scraping (a pod annotation or ServiceMonitor on this port; keep it off the public
// network: by default it binds loopback, METRICS_HOST). Started by the app server at boot
// (instrumentation.ts). Answers GET /metrics (and /) only.
import 'server-only';
import { createServer, type Server } from 'node:http';
import { log } from '@/lib/log';
import { metricsText } from './exposition';

export function startMetricsServer(host: string, port: number): Server {
  const server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || (pathname !== '/metrics' && pathname !== '/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics\n');
      return;
    }
    metricsText().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      (error: unknown) => {
        log.error('metrics: the scrape failed', { error });
        res.writeHead(500, { 'content-type': 'text/plain' }).end('The metrics could not be collected.\n');
      },
    );
  });
  server.on('error', (error) => log.error('metrics: the metrics port could not listen', { host, port, error }));
  server.listen(port, host, () => log.info('metrics port listening', { host, port }));
  // Not a reason to keep the process alive: the app server is.
  server.unref();
  return server;
}
