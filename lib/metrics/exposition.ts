// The Prometheus text of this process: prom-client's default metrics (CPU, memory, event
// loop, file descriptors), the HTTP request durations scripts/server.mjs observes, provider
// calls, and the gauges read from the database at scrape time. Served by /api/metrics (an
// access token, lib/data/metrics.ts) and by the metrics port (lib/metrics/port-server.ts).
import 'server-only';
import { registerDatabaseGauges } from './database-gauges';
import { client, registry } from './registry';

let registered = false;
function registerAll(): void {
  if (registered) return;
  registered = true;
  if (!registry.getSingleMetric('process_cpu_user_seconds_total')) client.collectDefaultMetrics({ register: registry });
  registerDatabaseGauges();
}

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  registerAll();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
