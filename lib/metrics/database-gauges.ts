// Gauges read from the database at scrape time, not counted in memory: the worker is a
// process of its own and there may be several app and worker replicas, so what the jobs
// and rotations did is in PostgreSQL, and every replica answers the same numbers.
// A scrape that cannot read one (the database down, pg-boss not installed yet before the
// first worker start) leaves that gauge without samples and the rest of the scrape intact.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import { sinkLag } from '@/lib/audit-stream/lag';
import { queryRows } from '@/lib/db';
import { log } from '@/lib/log';
import { client, singleMetric } from './registry';

type Sample = { labels: Record<string, string>; value: number };

/** A gauge set from `read` at every scrape, or left without samples when the database cannot answer. */
function databaseGauge(name: string, help: string, labelNames: string[], read: () => Promise<Sample[]>) {
  singleMetric(
    name,
    () =>
      new client.Gauge({
        name,
        help,
        labelNames,
        async collect() {
          this.reset();
          try {
            for (const { labels, value } of await read()) this.set(labels, value);
          } catch (error) {
            log.warn('metrics: a database gauge could not be read', { metric: name, error: error instanceof Error ? error.name : 'unknown' });
          }
        },
      }),
  );
}

type QueueRow = { queue: string; queued: number; active: number; oldest_seconds: number };

/** Every pg-boss queue with its waiting and running jobs and how long its oldest due job has waited. */
function queueRows(): Promise<QueueRow[]> {
  return queryRows<QueueRow>(Prisma.sql`
    SELECT q.name AS queue,
           count(j.id) FILTER (WHERE j.state < 'active')::int AS queued,
           count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
           COALESCE(EXTRACT(EPOCH FROM now() - min(j.start_after) FILTER (WHERE j.state < 'active' AND j.start_after <= now())), 0)::float8 AS oldest_seconds
    FROM pgboss.queue q LEFT JOIN pgboss.job j ON j.name = q.name AND j.state <= 'active'
    GROUP BY q.name`);
}

/** Registers the database gauges (once per process). */
export function registerDatabaseGauges(): void {
  databaseGauge('secret_inventory_job_queue_depth', 'Jobs per pg-boss queue: waiting (created or retry) and running (active)', ['queue', 'state'], async () =>
    (await queueRows()).flatMap((r) => [
      { labels: { queue: r.queue, state: 'waiting' }, value: r.queued },
      { labels: { queue: r.queue, state: 'active' }, value: r.active },
    ]),
  );
  databaseGauge(
    'secret_inventory_job_queue_oldest_age_seconds',
    'How long the oldest due job of each queue has waited to start (0 when none waits)',
    ['queue'],
    async () => (await queueRows()).map((r) => ({ labels: { queue: r.queue }, value: r.oldest_seconds })),
  );
  databaseGauge(
    'secret_inventory_rotation_runs',
    'Rotation runs by strategy and state, all time (the outcomes are the terminal states: completed, failed, rolled_back, cancelled); rate() them like counters',
    ['strategy', 'state'],
    async () =>
      (
        await queryRows<{ strategy: string; state: string; runs: number }>(
          Prisma.sql`SELECT strategy::text AS strategy, state::text AS state, count(*)::int AS runs FROM rotation_runs GROUP BY 1, 2`,
        )
      ).map((r) => ({ labels: { strategy: r.strategy, state: r.state }, value: r.runs })),
  );
  databaseGauge(
    'secret_inventory_audit_chain_verification_age_seconds',
    'Seconds since the audit chain was last verified (npm run audit:verify, the daily job); no sample before the first verification',
    ['ok'],
    async () =>
      (
        await queryRows<{ age: number; ok: boolean }>(
          Prisma.sql`SELECT EXTRACT(EPOCH FROM now() - ran_at)::float8 AS age, ok FROM audit_chain_verifications ORDER BY id DESC LIMIT 1`,
        )
      ).map((r) => ({ labels: { ok: String(r.ok) }, value: r.age })),
  );
  // The SIEM sinks' lag (lib/audit-stream/lag.ts, as their settings page shows it).
  databaseGauge('secret_inventory_audit_sink_lag_events', 'Audit events committed but not yet acknowledged by each SIEM sink', ['sink', 'enabled'], async () =>
    (await sinkLag()).map((s) => ({ labels: { sink: s.name, enabled: String(s.enabled) }, value: s.lagEvents })),
  );
  databaseGauge(
    'secret_inventory_audit_sink_lag_seconds',
    'Age of the oldest audit event each SIEM sink has not acknowledged (0 when it is caught up)',
    ['sink', 'enabled'],
    async () => (await sinkLag()).map((s) => ({ labels: { sink: s.name, enabled: String(s.enabled) }, value: s.lagSeconds })),
  );
}
