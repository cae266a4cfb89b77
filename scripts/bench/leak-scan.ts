// One leak-check measurement in a process of its own, for the bench (bench/leak.ts):
//   corpus       the server pipeline (LeakScanner + matchCandidates) over the mixed corpus,
//                then the cost split: candidate extraction alone, pattern rules alone;
//   git <dir>    gitHistoryUnits of a repository through the same pipeline.
// Prints, as its last line, a JSON object: time, throughput, counts, findings against what
// was planted, and this process's peak resident memory during the scan (VmHWM).
import { readFileSync, writeFileSync } from 'node:fs';
import { closeDb, queryRows } from '@/lib/db';
import { Prisma } from '@/generated/prisma/client';
import { extractCandidates } from '@/lib/leak/candidates';
import { currentFingerprintFilter } from '@/lib/leak/fingerprint-filter';
import { gitHistoryUnits } from '@/lib/leak/git-history';
import { matchCandidates } from '@/lib/leak/match';
import { patternHits } from '@/lib/leak/patterns';
import { LeakScanner } from '@/lib/leak/scanner';
import type { NewFinding, ScanUnit } from '@/lib/leak/types';
import { HISTORY_PLANT, makeCorpus, plantedVersions } from './leak-corpus';

const rssMb = () => process.memoryUsage().rss / 1048576;
const peakMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
/** Resets the kernel's high-water mark to the current resident set: the peak measured is the scan's. */
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');

function timedMatch() {
  let seconds = 0;
  let calls = 0;
  const match = async (texts: string[]) => {
    const started = performance.now();
    try {
      return await matchCandidates(texts);
    } finally {
      seconds += (performance.now() - started) / 1000;
      calls++;
    }
  };
  return { match, stats: () => ({ seconds, calls }) };
}

/** The provider version ids the bench gave the planted values (bench/leak.ts seeds `pv-<i>`). */
const versionIdOf = (i: number) => `pv-${i}`;

async function corpus() {
  const built = makeCorpus();
  const units: ScanUnit[] = built.units.map((u) => ({ text: u.text, location: { path: u.path, commit: null, authorDate: null } }));
  const planted = new Set(plantedVersions().map(versionIdOf));
  // The first load of the in-memory prefix filter, as a server process pays it once (and again after fingerprints change).
  const loadStarted = performance.now();
  const filter = await currentFingerprintFilter();
  const filterLoadSeconds = (performance.now() - loadStarted) / 1000;
  // Warm the pool and the JIT a little (one small unit), outside the measurement.
  await matchCandidates(['warm-up-candidate']);
  const before = rssMb();
  resetPeak();
  const findings: NewFinding[] = [];
  const { match, stats } = timedMatch();
  let patternSeconds = 0;
  const scanner = new LeakScanner({
    match,
    onFindings: (f) => void findings.push(...f),
    patterns: async (unit) => {
      const started = performance.now();
      try {
        return await patternHits(unit);
      } finally {
        patternSeconds += (performance.now() - started) / 1000;
      }
    },
  });
  const started = performance.now();
  for (const unit of units) await scanner.addUnit(unit);
  const totals = await scanner.finish();
  const seconds = (performance.now() - started) / 1000;
  const peak = peakMb();
  const found = new Set(findings.filter((f) => f.providerVersionId && planted.has(f.providerVersionId)).map((f) => f.providerVersionId));
  const current = findings.filter((f) => f.severity === 'current_value').length;

  // The cost split, each part alone over the same units.
  let started2 = performance.now();
  let candidates = 0;
  for (const unit of units) candidates += extractCandidates(unit).length;
  const extractSeconds = (performance.now() - started2) / 1000;
  started2 = performance.now();
  for (const unit of units) await patternHits(unit);
  const patternsAloneSeconds = (performance.now() - started2) / 1000;

  const [{ n: versions }] = await queryRows<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM secret_versions WHERE fingerprint IS NOT NULL`);
  const mb = built.bytes / 1048576;
  return {
    mb: Number(mb.toFixed(1)),
    files: totals.files,
    fingerprints: versions,
    seconds: Number(seconds.toFixed(2)),
    mb_per_s: Number((mb / seconds).toFixed(1)),
    candidates_extracted: candidates,
    distinct_candidates_matched: totals.candidates,
    match_calls: stats().calls,
    filter_prefixes: filter?.size ?? null,
    filter_load_seconds: Number(filterLoadSeconds.toFixed(2)),
    match_seconds: Number(stats().seconds.toFixed(2)),
    pattern_seconds_in_pipeline: Number(patternSeconds.toFixed(2)),
    extract_seconds_alone: Number(extractSeconds.toFixed(2)),
    patterns_seconds_alone: Number(patternsAloneSeconds.toFixed(2)),
    findings: totals.findings,
    planted_values: planted.size,
    planted_values_found: found.size,
    current_value_findings: current,
    pattern_findings: findings.filter((f) => f.severity === 'pattern').length,
    pattern_rules: Object.fromEntries(
      [...new Set(findings.map((f) => f.ruleId).filter((r) => r !== null))].map((r) => [r, findings.filter((f) => f.ruleId === r).length]),
    ),
    planted_patterns: built.plantedPatterns,
    rss_before_mb: Math.round(before),
    rss_peak_mb: Math.round(peak),
  };
}

async function git(dir: string) {
  await matchCandidates(['warm-up-candidate']);
  const before = rssMb();
  resetPeak();
  const findings: NewFinding[] = [];
  const { match, stats } = timedMatch();
  const scanner = new LeakScanner({ match, onFindings: (f) => void findings.push(...f) });
  let commits = 0;
  let blobs = 0;
  const started = performance.now();
  for await (const unit of gitHistoryUnits(dir, { onCommit: (n) => (commits = n) })) {
    blobs++;
    await scanner.addUnit(unit);
  }
  scanner.noteCommits(commits);
  const totals = await scanner.finish();
  const seconds = (performance.now() - started) / 1000;
  const peak = peakMb();
  const plant = findings.find((f) => f.providerVersionId === versionIdOf(HISTORY_PLANT));
  return {
    commits,
    blobs,
    mb: Number((totals.bytes / 1048576).toFixed(1)),
    seconds: Number(seconds.toFixed(2)),
    match_seconds: Number(stats().seconds.toFixed(2)),
    candidates: totals.candidates,
    findings: totals.findings,
    planted_found: plant ? { path: plant.location.path, line: plant.location.line, commit: plant.location.commit, severity: plant.severity } : null,
    rss_before_mb: Math.round(before),
    rss_peak_mb: Math.round(peak),
  };
}

const [mode, dir] = process.argv.slice(2);
const result = mode === 'git' ? await git(dir) : await corpus();
await closeDb();
console.log(JSON.stringify(result));
