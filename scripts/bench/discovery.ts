// The discovery line of `npm run bench`: 10,000 AWS and 10,000 GCP secrets in the emulators
// (seeded in memory; each GCP secret with two versions), then one scan per connection, each in a process of its own (discovery-scan.ts) as
// the worker runs it: wall time, provider calls, and the scanning process's resident memory
// growth (peak over the baseline after start-up). Targets: < 60 s and < 100 MB per scan.
// Its own database, made afresh each run (a scan's snapshot is what it measures).
import { benchScriptInChild } from './child-json';
import pg from 'pg';
import { startAwsSecretsManagerEmulator } from '../../test/emulators/aws-secrets-manager';
import { startGcpSecretManagerEmulator } from '../../test/emulators/gcp-secret-manager';
import { applyMigrations } from '../lib/schema-engine.mjs';
import { adminQuery, withDatabase } from '../lib/pg-admin.mjs';

export const DISCOVERY_SECRETS = Number(process.env.BENCH_DISCOVERY_SECRETS ?? 10_000);
const REGION = 'eu-west-1';
const PROJECT = 'bench-discovery';
const DATABASE = 'si_bench_discovery';

type ScanRun = { status: string; scanId: string | null; seconds: number; rssBeforeMb: number; rssPeakMb: number; heapBeforeMb: number; heapAfterGcMb: number };

function scanInChild(url: string, connectionId: string): Promise<ScanRun> {
  return benchScriptInChild<ScanRun>(
    'scripts/bench/discovery-scan.ts',
    [connectionId],
    {
      DATABASE_URL: url,
      // The emulators check no signature; the SDK needs some credentials to sign with.
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench-not-a-real-key',
      EGRESS_ALLOW: '127.0.0.1',
    },
    ['--expose-gc'],
  );
}

export async function discoveryBench(serverUrl: string) {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  await adminQuery(serverUrl, `CREATE DATABASE "${DATABASE}"`);
  const url = withDatabase(serverUrl, DATABASE);
  await applyMigrations(url);

  const aws = await startAwsSecretsManagerEmulator();
  const gcp = await startGcpSecretManagerEmulator({ projectNumbers: { [PROJECT]: '777000777000' } });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let started = Date.now();
    aws.seedSecrets(
      REGION,
      Array.from({ length: DISCOVERY_SECRETS }, (_, i) => ({
        name: `bench/service-${i % 50}/secret-${String(i).padStart(5, '0')}`,
        description: `Benchmark secret ${i}`,
        tags: [{ Key: 'team', Value: `team-${i % 20}` }],
      })),
    );
    gcp.seedSecrets(
      `projects/${PROJECT}`,
      Array.from({ length: DISCOVERY_SECRETS }, (_, i) => ({
        id: `bench-secret-${String(i).padStart(5, '0')}`,
        labels: { team: `team-${i % 20}` },
        versions: 2,
      })),
    );
    console.log(`seeded ${DISCOVERY_SECRETS} AWS and ${DISCOVERY_SECRETS} GCP emulated secrets in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const { rows } = await client.query<{ id: string; kind: string }>(
      `INSERT INTO provider_connections (id, name, kind, region, project_id, endpoint, updated_at) VALUES
         (gen_random_uuid(), 'bench-aws', 'aws', $1, NULL, $2, now()), (gen_random_uuid(), 'bench-gcp', 'gcp', NULL, $3, $4, now())
       RETURNING id, kind::text AS kind`,
      [REGION, aws.endpoint, PROJECT, gcp.endpoint],
    );
    const results: Record<string, ScanRun & { providerCalls: number; seen: number; emulatorRequests: number }> = {};
    for (const { id, kind } of rows) {
      const requestsBefore = (kind === 'aws' ? aws : gcp).requests.length;
      started = Date.now();
      const run = await scanInChild(url, id);
      const scan = await client.query<{ provider_calls: number; seen: number; status: string }>(
        'SELECT provider_calls, seen, status::text AS status FROM discovery_scans WHERE id = $1',
        [run.scanId],
      );
      results[kind] = {
        ...run,
        providerCalls: scan.rows[0]?.provider_calls ?? 0,
        seen: scan.rows[0]?.seen ?? 0,
        emulatorRequests: (kind === 'aws' ? aws : gcp).requests.length - requestsBefore,
      };
    }
    console.log(`\ndiscovery: one scan per connection, ${DISCOVERY_SECRETS} secrets each, each in its own process\n`);
    console.log('connection   status      seconds   provider calls   secrets seen   RSS before MB   RSS growth MB   live heap MB before/after');
    for (const [kind, r] of Object.entries(results)) {
      console.log(
        `${kind.padEnd(12)} ${r.status.padEnd(10)} ${r.seconds.toFixed(1).padStart(8)} ${String(r.providerCalls).padStart(16)} ${String(r.seen).padStart(14)} ${r.rssBeforeMb.toFixed(0).padStart(15)} ${(r.rssPeakMb - r.rssBeforeMb).toFixed(0).padStart(15)}   ${r.heapBeforeMb.toFixed(0).padStart(9)} / ${r.heapAfterGcMb.toFixed(0)}`,
      );
    }
    return {
      discovery_secrets: DISCOVERY_SECRETS,
      discovery_aws_s: Number(results.aws.seconds.toFixed(1)),
      discovery_aws_calls: results.aws.providerCalls,
      discovery_aws_rss_growth_mb: Math.round(results.aws.rssPeakMb - results.aws.rssBeforeMb),
      discovery_gcp_s: Number(results.gcp.seconds.toFixed(1)),
      discovery_gcp_calls: results.gcp.providerCalls,
      discovery_gcp_rss_growth_mb: Math.round(results.gcp.rssPeakMb - results.gcp.rssBeforeMb),
      discovery_live_heap_growth_mb: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, Math.round(r.heapAfterGcMb - r.heapBeforeMb)])),
    };
  } finally {
    await client.end();
    await aws.close();
    await gcp.close();
  }
}
