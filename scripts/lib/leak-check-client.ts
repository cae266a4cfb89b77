// The leak-check CLI's client side (scripts/leak-check.ts): reads what is scanned on this
// machine, extracts candidate strings and pattern hits locally, and sends candidates (never
// whole files) in batches to the server's leak-check routes with an access token. Nothing
// here prints or keeps a candidate: progress lines carry counts only, and a candidate's text
// lives in the batch being built until it is sent. Pure apart from what is injected
// (fetch, the units, the output), so it is tested without a server.
import { hashRange } from '../../lib/leak/candidates';
import type { Candidate, LeakLocation, PatternHit, ScanUnit } from '../../lib/leak/types';

export const DEFAULT_SERVER = 'http://127.0.0.1:3000';
/** The server's limits per batch (lib/validation/leak.ts, lib/body-limits.mjs): 5,000 candidates, 2 MiB of JSON; item sizes are counted high (wireBytes). */
export const MAX_BATCH_ITEMS = 5000;
export const MAX_BATCH_BYTES = 1_900_000;
/** Places a text is sent with at most (the server reports up to 20 per text). */
export const MAX_PLACES_PER_TEXT = 20;
const PROGRESS_EVERY_MS = 2000;

export class UsageError extends Error {}

export type CliOptions = { target: string; server: URL; token: string; label: string };

export const USAGE =
  'usage: npm run leak-check -- <path-or-bare-repo> [--server URL] [--token-file FILE] [--label TEXT]\n' +
  '  The token comes from --token-file or LEAK_CHECK_TOKEN (create one on the Account page).';

/** Whether an http:// server may be used: only on this machine (loopback). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The server URL, refused unless https, or http to loopback (a token must not cross a network in clear). */
export function serverUrlOf(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--server is not a URL: ${raw}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  if (url.protocol === 'http:')
    throw new UsageError('Refusing to send a token over plain http to another machine: use https:// (http is accepted for 127.0.0.1 and localhost only).');
  throw new UsageError('--server must be an https:// URL (or http:// on this machine).');
}

/**
 * The command line: one path, --server, --token-file, --label (also as --flag=value).
 * `readFile` reads the token file; `envToken` is LEAK_CHECK_TOKEN.
 */
export function parseCli(argv: string[], envToken: string | undefined, readFile: (path: string) => string): CliOptions {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (!['server', 'token-file', 'label'].includes(name)) throw new UsageError(`Unknown option --${name}\n${USAGE}`);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value\n${USAGE}`);
      flags[name] = value;
    } else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(USAGE);
  const target = positional[0];
  let token: string | undefined;
  if (flags['token-file']) {
    try {
      token = readFile(flags['token-file']).trim();
    } catch {
      throw new UsageError(`Cannot read the token file ${flags['token-file']}`);
    }
  } else token = envToken?.trim();
  if (!token) throw new UsageError(`No access token: pass --token-file FILE or set LEAK_CHECK_TOKEN.\n${USAGE}`);
  if (!/^sid_[A-Za-z0-9_-]{20,200}$/.test(token)) throw new UsageError('That is not an access token of this dashboard (they start with sid_).');
  const label = (flags.label ?? target).slice(0, 200);
  return { target, server: serverUrlOf(flags.server ?? DEFAULT_SERVER), token, label };
}

type Where = { path: string; line: number | null; commit: string | null; authorDate: string | null; preview: string };
type WireCandidate = Where & { text: string };
type WirePattern = Where & { ruleId: string };

export class LeakCheckError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

function whereOf(location: LeakLocation, preview: string): Where {
  return {
    path: location.path.slice(0, 1000),
    line: location.line,
    commit: location.commit,
    authorDate: location.authorDate ? location.authorDate.toISOString() : null,
    preview: preview.slice(0, 300),
  };
}

/**
 * A 64-bit hash of a text, to count the places it was sent from without keeping it. Two
 * texts with one hash (about 1 in 10^7 for a million texts) would share their count.
 */
function digestOf(text: string): string {
  const [hi, lo] = hashRange(text, 0, text.length);
  return `${hi.toString(36)}.${lo.toString(36)}`;
}

const PLAIN = /^[\x20-\x7e]*$/;

/** At least the JSON bytes of a wire item: from its lengths when its text and path are plain ASCII (the usual case). */
function wireBytes(item: WireCandidate | WirePattern): number {
  const text = 'text' in item ? item.text : item.ruleId;
  if (PLAIN.test(text) && PLAIN.test(item.path)) {
    // Keys, quotes, commas, the commit and the date: under 160 bytes; a quote or backslash doubles.
    return 160 + 2 * (text.length + item.path.length + Buffer.byteLength(item.preview, 'utf8'));
  }
  return Buffer.byteLength(JSON.stringify(item), 'utf8') + 1;
}

export type Progress = { commits: number; blobs: number; bytes: number; candidates: number; findings: number };

export type RunOptions = {
  options: CliOptions;
  units: AsyncIterable<ScanUnit>;
  extract: (unit: ScanUnit) => Candidate[];
  patterns: (unit: ScanUnit) => Promise<PatternHit[]>;
  fetch?: typeof fetch;
  /** A line for stderr (progress, never a candidate). */
  say: (line: string) => void;
  /** Commits walked so far (git-history's onCommit), for progress. */
  commitsSoFar?: () => number;
  now?: () => number;
};

export type RunResult = { scanId: string; findings: number; url: string; progress: Progress };

/**
 * Starts a scan on the server, sends the candidates and pattern hits of every unit in
 * batches, and finishes it. A failure after the start finishes the scan as failed (with our
 * own words, never a candidate) and rethrows.
 */
export async function runLeakCheck(run: RunOptions): Promise<RunResult> {
  const { options, say } = run;
  const doFetch = run.fetch ?? fetch;
  const now = run.now ?? Date.now;
  const progress: Progress = { commits: 0, blobs: 0, bytes: 0, candidates: 0, findings: 0 };

  async function call<T>(path: string, body: unknown): Promise<T> {
    let response: Response;
    try {
      response = await doFetch(new URL(path, options.server), {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        redirect: 'error',
      });
    } catch {
      throw new LeakCheckError(`Cannot reach the server at ${options.server.origin}.`);
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: a proxy's page or a crash. Only the status is reported.
    }
    if (!response.ok) {
      const error = typeof json === 'object' && json && 'error' in json && typeof json.error === 'string' ? json.error : `HTTP ${response.status}`;
      const hint = response.status === 401 ? ' (the token is unknown, revoked or expired, or lacks the leak-check scope)' : '';
      throw new LeakCheckError(`The server refused: ${error.slice(0, 300)}${hint}`, response.status);
    }
    if (typeof json !== 'object' || json === null) throw new LeakCheckError(`The server's answer to ${path} was not JSON.`);
    return json as T;
  }

  // The first unit is read before the scan starts: what cannot be read at all (not a
  // repository) is refused here, without a failed scan on the server.
  const iterator = run.units[Symbol.asyncIterator]();
  const first = await iterator.next();
  let pending: IteratorResult<ScanUnit> | null = first;
  const units: AsyncIterable<ScanUnit> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const held = pending;
        pending = null;
        return held ? Promise.resolve(held) : iterator.next();
      },
      // A loop left early (an error) closes the reader (its git processes).
      return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
    }),
  };
  const { scanId } = await call<{ scanId: string }>('/api/leak-check/scans', { kind: 'cli', label: options.label });
  if (typeof scanId !== 'string' || !/^[0-9a-f-]{36}$/i.test(scanId)) throw new LeakCheckError('The server did not start a scan.');
  say(`leak-check: scan ${scanId} started on ${options.server.origin}`);

  let candidates: WireCandidate[] = [];
  let patterns: WirePattern[] = [];
  let batchBytes = 0;
  const placesSent = new Map<string, number>();
  /** Pattern hits' texts checked against the inventory: digest -> whether it is an inventory value. */
  const inventoryValue = new Map<string, boolean>();
  /** Places reported per pattern rule and text. */
  const hitPlaces = new Map<string, number>();
  let lastSaid = now();

  const line = () =>
    `leak-check: ${progress.commits} commits, ${progress.blobs} blobs, ${(progress.bytes / 1_048_576).toFixed(1)} MB, ${progress.candidates} candidates sent, ${progress.findings} findings`;

  let inFlight: Promise<void> | null = null;
  let failure: unknown;

  async function flush() {
    if (candidates.length === 0 && patterns.length === 0) return;
    const body = { candidates, patterns, progress: { bytes: progress.bytes, files: progress.blobs, commits: progress.commits } };
    progress.candidates += candidates.length;
    candidates = [];
    patterns = [];
    batchBytes = 0;
    // One batch in flight while the next is read and extracted here: the server's matching
    // and this machine's reading overlap, and the server never gets two calls at once.
    await settle();
    inFlight = call<{ findings: number }>(`/api/leak-check/scans/${scanId}/batches`, body).then(
      ({ findings }) => {
        if (typeof findings === 'number') progress.findings += findings;
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
  }

  /** Waits for the batch in flight; its failure is thrown here. */
  async function settle() {
    await inFlight;
    inFlight = null;
    if (failure !== undefined) throw failure;
  }

  async function add(item: WireCandidate | WirePattern, kind: 'candidate' | 'pattern') {
    const size = wireBytes(item);
    if (candidates.length + patterns.length >= MAX_BATCH_ITEMS || batchBytes + size > MAX_BATCH_BYTES) await flush();
    if (kind === 'candidate') candidates.push(item as WireCandidate);
    else patterns.push(item as WirePattern);
    batchBytes += size;
  }

  /** Sends a text from one more place, unless it was sent from MAX_PLACES_PER_TEXT places already. */
  async function addCandidate(key: string, text: string, location: LeakLocation, preview: string) {
    const sent = placesSent.get(key) ?? 0;
    if (sent >= MAX_PLACES_PER_TEXT) return;
    placesSent.set(key, sent + 1);
    await add({ text, ...whereOf(location, preview) }, 'candidate');
  }

  /**
   * Whether a pattern hit's text is an inventory value: sent alone as a one-candidate batch
   * (which also records the inventory finding at this place), once per distinct text. The
   * server stores pattern hits as they come, so the CLI drops those the inventory knows:
   * the finding that names the secret says more.
   */
  async function isInventoryValue(key: string, text: string, location: LeakLocation, preview: string): Promise<boolean> {
    const known = inventoryValue.get(key);
    if (known !== undefined) return known;
    placesSent.set(key, (placesSent.get(key) ?? 0) + 1);
    await settle();
    const body = {
      candidates: [{ text, ...whereOf(location, preview) }],
      patterns: [],
      progress: { bytes: progress.bytes, files: progress.blobs, commits: progress.commits },
    };
    progress.candidates += 1;
    const { findings } = await call<{ findings: number }>(`/api/leak-check/scans/${scanId}/batches`, body);
    const found = typeof findings === 'number' && findings > 0;
    if (found) progress.findings += findings;
    inventoryValue.set(key, found);
    return found;
  }

  const placeOf = (location: LeakLocation) => `${location.path}\u0000${location.line ?? ''}\u0000${location.commit ?? ''}`;

  try {
    for await (const unit of units) {
      progress.blobs += 1;
      progress.bytes += Buffer.byteLength(unit.text, 'utf8');
      progress.commits = Math.max(progress.commits, run.commitsSoFar?.() ?? 0);
      // Texts already sent from a place of this unit (by the pattern hits), not sent again from there.
      const sentHere = new Set<string>();
      for (const hit of await run.patterns(unit)) {
        const key = digestOf(hit.matched);
        const here = `${key}\u0000${placeOf(hit.location)}`;
        const first = !inventoryValue.has(key);
        if (await isInventoryValue(key, hit.matched, hit.location, hit.preview)) {
          if (!first && !sentHere.has(here)) await addCandidate(key, hit.matched, hit.location, hit.preview);
          sentHere.add(here);
          continue;
        }
        sentHere.add(here);
        const ruleKey = `${hit.ruleId}\u0000${key}`;
        const reported = hitPlaces.get(ruleKey) ?? 0;
        if (reported >= MAX_PLACES_PER_TEXT) continue;
        hitPlaces.set(ruleKey, reported + 1);
        await add({ ruleId: hit.ruleId, ...whereOf(hit.location, hit.preview) }, 'pattern');
      }
      for (const c of run.extract(unit)) {
        const key = digestOf(c.text);
        if (inventoryValue.size > 0 && inventoryValue.get(key) === false) continue; // known not to be an inventory value
        if (sentHere.size > 0 && sentHere.has(`${key}\u0000${placeOf(c.location)}`)) continue;
        await addCandidate(key, c.text, c.location, c.preview);
      }
      if (now() - lastSaid >= PROGRESS_EVERY_MS) {
        lastSaid = now();
        say(line());
      }
    }
    progress.commits = Math.max(progress.commits, run.commitsSoFar?.() ?? 0);
    await flush();
    await settle();
  } catch (error) {
    await inFlight;
    const reason = error instanceof LeakCheckError ? error.message : 'The scan stopped on this machine before it was complete.';
    await call(`/api/leak-check/scans/${scanId}/finish`, { status: 'failed', error: reason.slice(0, 500) }).catch(() => undefined);
    throw error;
  }
  say(line());
  const done = await call<{ scanId: string; findings: number; url: string }>(`/api/leak-check/scans/${scanId}/finish`, { status: 'completed' });
  const url = new URL(typeof done.url === 'string' ? done.url : `/leaks/${scanId}`, options.server).toString();
  return { scanId, findings: typeof done.findings === 'number' ? done.findings : progress.findings, url, progress };
}
