// The one Prometheus registry of a process: prom-client's default registry, shared with
// scripts/server.mjs, which times every HTTP request into it (prom-client is a server
// external package, next.config.mjs, so both load the same module). Metrics are made
// once per process, whatever module asks first (Next may evaluate a module twice).
import 'server-only';
import client from 'prom-client';

export const registry = client.register;
export { client };

/** The metric registered under `name`, made by `make` the first time. */
export function singleMetric<T extends client.Metric>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
