// The leak-check line of `npm run bench` (BENCH_ONLY=leak runs it alone):
//   1. Its own database, made afresh: 10,000 secrets with 10 versions each = 100,000
//      fingerprints (keyed HMAC under the bench pepper, as the value path stores them).
//   2. In a process of its own (leak-scan.ts): a ~50 MB mixed corpus (logs, .env, JSON, YAML,
//      source, base64 blobs) with 200 inventory values and some fake AWS keys planted, through
//      the server pipeline (LeakScanner + matchCandidates + secretlint rules): MB/s, findings
//      against what was planted, the cost split, peak RSS. Target >= 20 MB/s on 2 cores.
//   3. A 5,000-commit repository made with `git fast-import` (a value committed at commit 100,
//      deleted at 200), scanned by gitHistoryUnits through the same pipeline in another
//      process: time, blobs, peak RSS, and where the planted value was found.
// BENCH_CPU_PROF=<dir>: the scanning processes also write V8 CPU profiles (node --cpu-prof) there.
import { benchScriptInChild } from './child-json';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { fingerprintWith, keyIdOf } from '@/lib/values/fingerprint';
import { applyMigrations } from '../lib/schema-engine.mjs';
import { adminQuery, withDatabase } from '../lib/pg-admin.mjs';
import { BENCH_PEPPER, benchValue, COMMITS, fastImportStream, VERSIONS, VERSIONS_PER_SECRET } from './leak-corpus';

const DATABASE = 'si_bench_leak';

export async function seedLeakBench(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const secrets = VERSIONS / VERSIONS_PER_SECRET;
    await client.query('BEGIN');
    const {
      rows: [team],
    } = await client.query<{ id: string }>(
      `INSERT INTO teams (id, name, description, updated_at) VALUES (gen_random_uuid(), 'bench-team', '', now()) RETURNING id`,
    );
    const {
      rows: [connection],
    } = await client.query<{ id: string }>(
      `INSERT INTO provider_connections (id, name, kind, updated_at) VALUES (gen_random_uuid(), 'bench-local', 'local', now()) RETURNING id`,
    );
    const { rows: ids } = await client.query<{ id: string }>(
      `INSERT INTO secrets (id, name, environment_id, owner_team_id, classification, provider_kind, provider_ref, connection_id, updated_at)
       SELECT gen_random_uuid(), 'bench/secret-' || lpad(g::text, 6, '0'), (SELECT id FROM environments ORDER BY position LIMIT 1), $1,
              'critical', 'other', 'bench/secret-' || g, $2, now()
         FROM generate_series(0, $3 - 1) g ORDER BY g RETURNING id`,
      [team.id, connection.id, secrets],
    );
    // Version i belongs to secret i % secrets and is its (i / secrets)-th: the last round is current.
    const key = { id: keyIdOf(BENCH_PEPPER), pepper: BENCH_PEPPER };
    const batch = 10_000;
    for (let from = 0; from < VERSIONS; from += batch) {
      const n = Math.min(batch, VERSIONS - from);
      const secretIds: string[] = [];
      const versionIds: string[] = [];
      const fingerprints: Buffer[] = [];
      const created: string[] = [];
      for (let i = from; i < from + n; i++) {
        secretIds.push(ids[i % secrets].id);
        versionIds.push(`pv-${i}`);
        fingerprints.push(Buffer.from(fingerprintWith(key, benchValue(i))));
        created.push(new Date(Date.UTC(2026, 0, 1) + Math.floor(i / secrets) * 86_400_000).toISOString());
      }
      await client.query(
        `INSERT INTO secret_versions (id, secret_id, connection_id, provider_ref, provider_version_id, idempotency_token, source, fingerprint, fingerprint_key_id, created_at)
         SELECT gen_random_uuid(), s, $5, 'ref', v, gen_random_uuid(), 'entered', f, $6, c
           FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::timestamptz[]) AS t(s, v, f, c)`,
        [secretIds, versionIds, fingerprints, created, connection.id, key.id],
      );
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

function inChild(url: string, args: string[]): Promise<Record<string, unknown>> {
  return benchScriptInChild(
    'scripts/bench/leak-scan.ts',
    args,
    { DATABASE_URL: url, VALUE_FINGERPRINT_PEPPER: BENCH_PEPPER, VALUE_FINGERPRINT_PEPPERS_PREVIOUS: '' },
    process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CPU_PROF] : [],
  );
}

/** A repository of COMMITS commits, made with git fast-import in a temporary directory. */
function makeRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'leak-bench-repo-'));
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir };
  spawnSync('git', ['init', '-q', '-b', 'main', dir], { env, stdio: 'inherit' });
  const stream = [...fastImportStream()].join('');
  const result = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, env, input: stream, stdio: ['pipe', 'inherit', 'inherit'], maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error('git fast-import failed');
  spawnSync('git', ['checkout', '-q', 'main'], { cwd: dir, env, stdio: 'inherit' });
  return dir;
}

export async function leakBench(serverUrl: string) {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  await adminQuery(serverUrl, `CREATE DATABASE "${DATABASE}"`);
  const url = withDatabase(serverUrl, DATABASE);
  await applyMigrations(url);
  let started = Date.now();
  await seedLeakBench(url);
  console.log(`leak check: seeded ${VERSIONS} version fingerprints in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const corpus = await inChild(url, ['corpus']);
  started = Date.now();
  const repo = makeRepo();
  console.log(`leak check: made a ${COMMITS}-commit repository with git fast-import in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let history: Record<string, unknown>;
  try {
    history = await inChild(url, ['git', repo]);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);

  console.log(`\nleak check: ${corpus.mb} MB corpus against ${corpus.fingerprints} fingerprints; git history of ${history.commits} commits\n`);
  console.log(
    `corpus     ${String(corpus.mb_per_s).padStart(6)} MB/s  ${corpus.seconds} s  planted ${corpus.planted_values_found}/${corpus.planted_values} found, ` +
      `${corpus.pattern_findings} pattern findings ${JSON.stringify(corpus.pattern_rules)} (${corpus.planted_patterns} fake AWS keys planted), peak RSS ${corpus.rss_peak_mb} MB`,
  );
  console.log(
    `  split    extraction alone ${corpus.extract_seconds_alone} s, patterns alone ${corpus.patterns_seconds_alone} s, ` +
      `match ${corpus.match_seconds} s in ${corpus.match_calls} calls for ${corpus.distinct_candidates_matched} distinct candidates, ` +
      `prefix filter of ${corpus.filter_prefixes} loaded in ${corpus.filter_load_seconds} s`,
  );
  console.log(
    `history    ${history.seconds} s  ${history.blobs} blobs (${history.mb} MB) of ${history.commits} commits, peak RSS ${history.rss_peak_mb} MB, ` +
      `planted value found: ${JSON.stringify(history.planted_found)}`,
  );
  return {
    leak_corpus_mb: corpus.mb,
    leak_corpus_mb_per_s: corpus.mb_per_s,
    leak_corpus_planted_found: `${corpus.planted_values_found}/${corpus.planted_values}`,
    leak_corpus_rss_peak_mb: corpus.rss_peak_mb,
    leak_extract_s: corpus.extract_seconds_alone,
    leak_patterns_s: corpus.patterns_seconds_alone,
    leak_match_s: corpus.match_seconds,
    leak_filter_load_s: corpus.filter_load_seconds,
    leak_history_commits: history.commits,
    leak_history_blobs: history.blobs,
    leak_history_s: history.seconds,
    leak_history_rss_peak_mb: history.rss_peak_mb,
    leak_history_planted_found: history.planted_found !== null,
  };
}
