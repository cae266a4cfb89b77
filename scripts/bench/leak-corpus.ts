// The leak-check bench's data (bench/leak.ts): the inventory's values (deterministic, so the
// seeding process and the scanning process agree on them without passing them around), a
// mixed corpus of logs, .env files, JSON, YAML, source and base64 blobs with some of those
// values planted, and a git fast-import stream of a long history with one value committed
// and deleted later. Values here are benchmark strings, not secrets.
import { prng } from './prng';

export const BENCH_PEPPER = 'bench-only-fingerprint-pepper-0123456789abcdef';
export const VERSIONS = Number(process.env.BENCH_LEAK_VERSIONS ?? 100_000);
export const VERSIONS_PER_SECRET = 10;
export const CORPUS_MB = Number(process.env.BENCH_LEAK_MB ?? 50);
export const COMMITS = Number(process.env.BENCH_LEAK_COMMITS ?? 5_000);
/** Every PLANT_EVERY-th version's value is planted in the corpus. */
const PLANT_EVERY = 499;

/** The value of version i (secret i % secrets, the (i / secrets)-th version of it). */
export function benchValue(i: number): string {
  const r = prng(i * 2654435761);
  let tail = '';
  for (let k = 0; k < 20; k++) tail += 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'[Math.floor(r() * 57)];
  return `bv${i.toString(36)}_${tail}`;
}

export const plantedVersions = (): number[] => Array.from({ length: Math.floor(VERSIONS / PLANT_EVERY) }, (_, k) => k * PLANT_EVERY + 7);

const WORDS = [
  'request',
  'user',
  'order',
  'invoice',
  'payment',
  'session',
  'cache',
  'worker',
  'queue',
  'retry',
  'timeout',
  'upstream',
  'config',
  'region',
  'bucket',
];
const LEVELS = ['INFO', 'DEBUG', 'WARN', 'ERROR'];
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const hex = (r: Rand, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
};

function logLine(r: Rand, n: number): string {
  const t = new Date(Date.UTC(2026, 11, 1) + n * 137).toISOString();
  return `${t} ${pick(r, LEVELS)} [${pick(r, WORDS)}-${Math.floor(r() * 16)}] ${pick(r, WORDS)} id=${hex(r, 12)} user=u${Math.floor(r() * 5000)} path=/api/v1/${pick(r, WORDS)}s/${Math.floor(r() * 100000)}?page=${Math.floor(r() * 9)} status=${pick(r, [200, 201, 204, 404, 500])} took=${Math.floor(r() * 900)}ms`;
}

function envLine(r: Rand): string {
  return `${pick(r, WORDS).toUpperCase()}_${pick(r, ['URL', 'HOST', 'PORT', 'NAME', 'MODE', 'TOKEN_TTL'])}=${pick(r, WORDS)}-${hex(r, 8)}`;
}

function jsonLine(r: Rand): string {
  return `  {"id": "${hex(r, 24)}", "kind": "${pick(r, WORDS)}", "count": ${Math.floor(r() * 1000)}, "note": "${pick(r, WORDS)} ${pick(r, WORDS)} \\"quoted\\" ${hex(r, 6)}"},`;
}

function yamlLine(r: Rand): string {
  return `${' '.repeat(2 * Math.floor(r() * 3))}${pick(r, WORDS)}_${pick(r, WORDS)}: ${pick(r, [`"${hex(r, 10)}"`, String(Math.floor(r() * 100)), `${pick(r, WORDS)} ${pick(r, WORDS)}`, 'true'])}`;
}

function sourceLine(r: Rand): string {
  return pick(r, [
    `  const ${pick(r, WORDS)}${Math.floor(r() * 50)} = await fetch${pick(r, WORDS)}(${pick(r, WORDS)}Id, { limit: ${Math.floor(r() * 100)} });`,
    `  if (${pick(r, WORDS)}.${pick(r, WORDS)} === undefined) throw new Error('${pick(r, WORDS)} missing');`,
    `export function ${pick(r, WORDS)}${pick(r, WORDS)}(input: string): number {`,
    `  // ${pick(r, WORDS)} ${pick(r, WORDS)} ${pick(r, WORDS)} handled by the ${pick(r, WORDS)} layer`,
    '}',
  ]);
}

function base64Line(r: Rand): string {
  let s = '';
  for (let i = 0; i < 76; i++) s += B64[Math.floor(r() * 64)];
  return s;
}

/** How a planted value appears: the ways leaks are written down. */
function plantedLine(r: Rand, value: string): string {
  return pick(r, [
    `DB_PASSWORD=${value}`,
    `  "client_secret": "${value}",`,
    `${new Date(Date.UTC(2026, 11, 2)).toISOString()} DEBUG connecting with token ${value} to upstream`,
    `  password: '${value}'`,
    `DATABASE_URL=postgres://app:${value}@db.internal:5432/app`,
    `curl -H "Authorization: Bearer ${value}" https://api.example.test/v1/items`,
  ]);
}

// Fake credentials of known shapes (pattern findings): AWS access key ids of random letters.
function fakeAwsKey(r: Rand): string {
  let s = 'AKIA';
  for (let i = 0; i < 16; i++) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(r() * 32)];
  return s;
}

export type Corpus = { units: { path: string; text: string }[]; bytes: number; plantedValues: number; plantedPatterns: number };

const KINDS = [
  { ext: 'log', line: (r: Rand, n: number) => logLine(r, n) },
  { ext: 'env', line: (r: Rand) => envLine(r) },
  { ext: 'json', line: (r: Rand) => jsonLine(r) },
  { ext: 'yaml', line: (r: Rand) => yamlLine(r) },
  { ext: 'ts', line: (r: Rand) => sourceLine(r) },
  { ext: 'b64', line: (r: Rand) => base64Line(r) },
];

/** About CORPUS_MB of files (64 KB to 2 MB each), with every planted value once and some fake AWS keys. */
export function makeCorpus(mb = CORPUS_MB): Corpus {
  const r = prng(20261206);
  const planted = plantedVersions();
  const target = mb * 1024 * 1024;
  const units: Corpus['units'] = [];
  let bytes = 0;
  let next = 0;
  let patterns = 0;
  let file = 0;
  while (bytes < target) {
    const kind = KINDS[file % KINDS.length];
    const size = Math.min(target - bytes, 64 * 1024 + Math.floor(r() * 2 * 1024 * 1024));
    const lines: string[] = [];
    let length = 0;
    let n = 0;
    // Spread the planted values over the corpus: one every so many bytes.
    const plantEvery = Math.max(1, Math.floor(target / (planted.length + 1)));
    while (length < size) {
      let line: string;
      if (next < planted.length && bytes + length >= (next + 1) * plantEvery) line = plantedLine(r, benchValue(planted[next++]));
      else if (r() < 0.0002) {
        line = `aws_access_key_id = ${fakeAwsKey(r)}`;
        patterns++;
      } else line = kind.line(r, n);
      lines.push(line);
      length += line.length + 1;
      n++;
    }
    const text = lines.join('\n');
    units.push({ path: `corpus/${String(file).padStart(4, '0')}.${kind.ext}`, text });
    bytes += Buffer.byteLength(text);
    file++;
  }
  // Any not yet placed (rounding) go in a last small file.
  if (next < planted.length) {
    const text = planted
      .slice(next)
      .map((i) => plantedLine(r, benchValue(i)))
      .join('\n');
    units.push({ path: 'corpus/rest.env', text });
    bytes += Buffer.byteLength(text);
  }
  return { units, bytes, plantedValues: planted.length, plantedPatterns: patterns };
}

/** The version whose value the history commits and deletes later. */
export const HISTORY_PLANT = 12_345;

/**
 * A git fast-import stream: COMMITS commits on main, each changing two of 800 files (source,
 * config, logs); commit 100 adds config/prod.env with a planted value, commit 200 deletes it.
 */
export function* fastImportStream(commits = COMMITS): Generator<string> {
  const r = prng(777);
  const start = Date.UTC(2024, 0, 1) / 1000;
  for (let c = 1; c <= commits; c++) {
    const when = start + c * 3600;
    const message = `change ${c}: ${pick(r, WORDS)} ${pick(r, WORDS)}\n`;
    let out = `commit refs/heads/main\nmark :${c}\nauthor Dev <dev@example.test> ${when} +0000\ncommitter Dev <dev@example.test> ${when} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
    if (c > 1) out += `from :${c - 1}\n`;
    for (let k = 0; k < 2; k++) {
      const f = Math.floor(r() * 800);
      const kind = KINDS[f % 5];
      const lines = Array.from({ length: 20 + Math.floor(r() * 60) }, (_, n) => kind.line(r, n));
      const content = `${lines.join('\n')}\n`;
      out += `M 100644 inline src/${kind.ext}/file-${f}.${kind.ext}\ndata ${Buffer.byteLength(content)}\n${content}`;
    }
    if (c === 100) {
      const content = `APP_MODE=production\nDB_PASSWORD=${benchValue(HISTORY_PLANT)}\n`;
      out += `M 100644 inline config/prod.env\ndata ${Buffer.byteLength(content)}\n${content}`;
    }
    if (c === 200) out += 'D config/prod.env\n';
    yield `${out}\n`;
  }
}
