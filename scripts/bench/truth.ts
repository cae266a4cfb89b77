// The inventory-truth pages at 100,000 inventory secrets (issue 15), on the inventory's bench
// database: the Discovery page's Unmanaged list over one connection's 20,000 discovered cloud
// secrets (half of them inventoried, so the "no inventory entry" test has work to do) as an
// administrator, plain and searched; the Posture page (organisation, and one team) as the
// viewer, after one posture refresh over every secret, timed in a process of its own as the
// worker runs it (posture-refresh.ts).
import { benchScriptInChild } from './child-json';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { formatRow, measurePage, signIn, type LoadResult } from './http';
import { markSeeded, seededParts } from './seed-audit';

const DISCOVERED = 20_000;
const ADMIN_EMAIL = 'bench-admin@example.test';
const ADMIN_PASSWORD = 'bench-admin-password-not-secret';

async function seedTruth(client: pg.Client): Promise<void> {
  if ((await seededParts(client)).has('truth')) return;
  await client.query('BEGIN');
  await client.query(`INSERT INTO users (id, email, name, role, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'Bench admin', 'admin', $2, now())`, [
    ADMIN_EMAIL,
    await hash(ADMIN_PASSWORD),
  ]);
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO provider_connections (id, name, kind, region, updated_at) VALUES (gen_random_uuid(), 'bench-truth-aws', 'aws', 'eu-west-1', now()) RETURNING id`,
  );
  const connection = rows[0].id;
  const { rows: scan } = await client.query<{ id: string }>(
    `INSERT INTO discovery_scans (id, connection_id, trigger, status, started_at, finished_at, seen)
     VALUES (gen_random_uuid(), $1, 'manual', 'completed', now() - interval '1 hour', now() - interval '50 minutes', ${DISCOVERED}) RETURNING id`,
    [connection],
  );
  // Half of the discovered secrets are inventory secrets of this connection...
  await client.query(
    `WITH picked AS (SELECT id FROM secrets WHERE provider_kind = 'aws' ORDER BY id LIMIT ${DISCOVERED / 2})
     UPDATE secrets s SET connection_id = $1, provider_key = s.provider_ref FROM picked WHERE s.id = picked.id`,
    [connection],
  );
  await client.query(
    `INSERT INTO discovered_secrets (id, connection_id, provider_key, resource_name, labels, first_seen_at, last_seen_at, last_scan_id, search_text)
     SELECT gen_random_uuid(), $1, s.provider_key, s.provider_key, '{"managed-by": "secret_inventory"}', now(), now(), $2, lower(s.provider_key)
     FROM secrets s WHERE s.connection_id = $1`,
    [connection, scan[0].id],
  );
  // ...and half are nobody's yet, labelled as teams label them.
  await client.query(
    `INSERT INTO discovered_secrets (id, connection_id, provider_key, resource_name, description, labels, created_at_provider, last_changed_at,
                                     first_seen_at, last_seen_at, last_scan_id, search_text)
     SELECT gen_random_uuid(), $1, 'cloud/unmanaged-' || lpad(g::text, 5, '0'), 'cloud/unmanaged-' || lpad(g::text, 5, '0'), 'Found by a scan',
            jsonb_build_object('team', 'team-' || lpad((g % 200)::text, 3, '0'), 'env', 'production'), now() - interval '300 days', now() - interval '3 days',
            now(), now(), $2, 'cloud/unmanaged-' || lpad(g::text, 5, '0') || ' found by a scan team team-' || lpad((g % 200)::text, 3, '0') || ' env production'
     FROM generate_series(1, ${DISCOVERED / 2}) g`,
    [connection, scan[0].id],
  );
  await markSeeded(client, 'truth', DISCOVERED);
  await client.query('COMMIT');
  await client.query('ANALYZE secrets, discovered_secrets, discovery_scans');
}

function refreshInChild(url: string): Promise<{ seconds: number; secrets: number }> {
  return benchScriptInChild('scripts/bench/posture-refresh.ts', [], { DATABASE_URL: url });
}

export async function truthBench(base: string, url: string, viewer: { email: string; password: string }, seconds: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let team: string;
  try {
    await seedTruth(client);
    team = (await client.query<{ id: string }>(`SELECT id FROM teams ORDER BY name LIMIT 1`)).rows[0].id;
  } finally {
    await client.end();
  }
  const refresh = await refreshInChild(url);
  const admin = await signIn(base, ADMIN_EMAIL, ADMIN_PASSWORD);
  const lead = await signIn(base, viewer.email, viewer.password);
  const views: [string, string, string][] = [
    ['unmanaged', 'Discovery: unmanaged list (admin)', `${base}/discovery`],
    ['unmanaged_search', 'Discovery: unmanaged, search "unmanaged-01"', `${base}/discovery?q=unmanaged-01`],
    ['posture', 'Posture: organisation (viewer)', `${base}/posture?team=`],
    ['posture_team', 'Posture: one team (viewer)', `${base}/posture?team=${team}`],
  ];
  const results: Record<string, LoadResult> = {};
  for (const [key, , url] of views) results[key] = await measurePage(url, key.startsWith('unmanaged') ? admin : lead, seconds);
  console.log(`\ninventory truth pages over 100,000 secrets and ${DISCOVERED.toLocaleString('en-US')} discovered cloud secrets`);
  console.log(`posture refresh of ${refresh.secrets.toLocaleString('en-US')} secrets: ${refresh.seconds.toFixed(1)} s`);
  for (const [key, label] of views) console.log(formatRow(label, results[key]));
  return {
    posture_refresh_s: Number(refresh.seconds.toFixed(1)),
    unmanaged_p95_ms: Math.round(results.unmanaged.p95),
    unmanaged_search_p95_ms: Math.round(results.unmanaged_search.p95),
    posture_p95_ms: Math.round(results.posture.p95),
    posture_team_p95_ms: Math.round(results.posture_team.p95),
  };
}
