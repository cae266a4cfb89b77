// One leak scan's engine: takes units (a paste, files of an upload, blobs of a repository),
// extracts candidate strings, sends each distinct text once to `match` in batches, and turns
// matches and pattern hits into findings for `onFindings`. Pure apart from what is injected:
// the server runs it with matchCandidates and a database writer, the CLI with an HTTP call.
// Texts live only in the current batch; afterwards only a 64-bit hash of each is kept (to
// send it once), and of a matched text its matches and the locations already reported.
import { extractCandidates, hashRange } from '@/lib/leak/candidates';
import { patternHits } from '@/lib/leak/patterns';
import type { Candidate, InventoryMatch, LeakLocation, NewFinding, PatternHit, ScanProgress, ScanUnit } from '@/lib/leak/types';

/** Distinct texts per call of `match`. */
export const SCAN_BATCH_SIZE = 2000;
/** Locations reported per matched text (and per pattern rule and text). */
export const MAX_LOCATIONS_PER_TEXT = 20;
/** Pattern hits up to this long are checked against the inventory too (a PEM key spans lines, so no line candidate holds it). */
export const MAX_VALUE_CHARS = 64 * 1024;
/** Hashes of texts already sent kept at most; past it the set starts over (a text may then be sent twice, never reported twice). */
export const MAX_SENT_HASHES = 1 << 24;

export type ScannerOptions = {
  match: (texts: string[]) => Promise<InventoryMatch[]>;
  onFindings: (findings: NewFinding[]) => Promise<void> | void;
  onProgress?: (progress: ScanProgress) => void;
  batchSize?: number;
  /** Pattern rules run on each unit by addUnit: secretlint's recommended set (patternHits) unless given; null for none. */
  patterns?: ((unit: ScanUnit) => Promise<PatternHit[]>) | null;
};

function hash64(text: string): [number, number] {
  return hashRange(text, 0, text.length);
}

/** An open-addressing set of 64-bit hashes (two Uint32 halves; lo is never 0). */
class HashSet64 {
  private table = new Uint32Array(2 * 1024);
  private size = 0;

  has(hi: number, lo: number): boolean {
    const mask = this.table.length / 2 - 1;
    for (let slot = hi & mask; ; slot = (slot + 1) & mask) {
      const l = this.table[2 * slot + 1];
      if (l === 0) return false;
      if (l === lo && this.table[2 * slot] === hi) return true;
    }
  }

  add(hi: number, lo: number): void {
    if (this.size >= MAX_SENT_HASHES) {
      this.table = new Uint32Array(2 * 1024);
      this.size = 0;
    }
    if ((this.size + 1) * 2 > this.table.length / 2) this.grow();
    if (this.insert(this.table, hi, lo)) this.size++;
  }

  private insert(table: Uint32Array, hi: number, lo: number): boolean {
    const mask = table.length / 2 - 1;
    for (let slot = hi & mask; ; slot = (slot + 1) & mask) {
      const l = table[2 * slot + 1];
      if (l === 0) {
        table[2 * slot] = hi;
        table[2 * slot + 1] = lo;
        return true;
      }
      if (l === lo && table[2 * slot] === hi) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.insert(this.table, old[i], old[i + 1]);
  }
}

/** A place a text was seen: a Candidate, whose preview may be worked out only when read. */
type Seen = Pick<Candidate, 'location' | 'preview'>;
type Pending = { text: string; hi: number; lo: number; places: Seen[] };
type Matched = { hi: number; lo: number; matches: Omit<InventoryMatch, 'candidateIndex'>[]; places: Set<string>; count: number };
/** A pattern hit waiting for its batch: hashes of its text and of the candidates inside it (a connection string's password). */
type PendingHit = { ruleId: string; hi: number; lo: number; inner: number[]; location: LeakLocation; preview: string };

function placeKey(location: LeakLocation): string {
  return `${location.path}\u0000${location.line ?? ''}\u0000${location.commit ?? ''}`;
}

export class LeakScanner {
  private readonly match: ScannerOptions['match'];
  private readonly onFindings: ScannerOptions['onFindings'];
  private readonly onProgress: ScannerOptions['onProgress'];
  private readonly patterns: ScannerOptions['patterns'];
  private readonly batchSize: number;
  private readonly sent = new HashSet64();
  private pending = new Map<string, Pending>();
  /** The batch being matched while the next one fills (at most one in flight), and its settling. */
  private inFlight = new Map<string, Pending>();
  private running: Promise<void> | null = null;
  /** Matched texts by hash (hi -> entries): their matches and the places already reported. */
  private readonly matched = new Map<number, Matched[]>();
  private pendingHits: PendingHit[] = [];
  private readonly hitPlaces = new Map<string, { places: Set<string>; count: number }>();
  private findings: NewFinding[] = [];
  private readonly commits = new Set<string>();
  private readonly progress: Required<ScanProgress> = { bytes: 0, files: 0, commits: 0, candidates: 0, findings: 0, skipped: 0 };
  private lastProgressAt = 0;

  constructor(options: ScannerOptions) {
    this.match = options.match;
    this.onFindings = options.onFindings;
    this.onProgress = options.onProgress;
    this.patterns = options.patterns === undefined ? (unit) => patternHits(unit, { onSkip: () => this.progress.skipped++ }) : options.patterns;
    this.batchSize = Math.max(1, options.batchSize ?? SCAN_BATCH_SIZE);
  }

  /** Scans one unit: its candidates, and the pattern rules when configured. */
  async addUnit(unit: ScanUnit): Promise<void> {
    this.progress.bytes += Buffer.byteLength(unit.text, 'utf8');
    this.progress.files++;
    if (unit.location.commit !== null && !this.commits.has(unit.location.commit)) {
      this.commits.add(unit.location.commit);
      this.progress.commits = Math.max(this.progress.commits, this.commits.size);
    }
    await this.addCandidates(extractCandidates(unit));
    if (this.patterns) await this.addPatternHits(await this.patterns(unit));
    this.reportProgress(false);
  }

  /** Commits walked so far when a unit's commit does not say it (history with no new blobs). */
  noteCommits(total: number): void {
    this.progress.commits = Math.max(this.progress.commits, total);
  }

  /** Adds counts the caller measured itself (the server side of the CLI path; files it skipped). */
  noteScanned(counts: { bytes?: number; files?: number; commits?: number; skipped?: number }): void {
    this.progress.bytes += counts.bytes ?? 0;
    this.progress.files += counts.files ?? 0;
    this.progress.skipped += counts.skipped ?? 0;
    this.progress.commits = Math.max(this.progress.commits, counts.commits ?? 0);
  }

  async addCandidates(candidates: Candidate[]): Promise<void> {
    for (const candidate of candidates) {
      const [hi, lo] = hash64(candidate.text);
      const seen = this.matched.size > 0 ? this.matchedOf(hi, lo) : undefined;
      if (seen) {
        this.addMatchedPlace(seen, candidate);
        continue;
      }
      // Sent and settled texts are neither pending nor in flight: the cheap test first.
      if (this.sent.has(hi, lo)) continue;
      const pending = this.pending.get(candidate.text) ?? this.inFlight.get(candidate.text);
      if (pending) {
        if (pending.places.length < MAX_LOCATIONS_PER_TEXT && !pending.places.some((p) => placeKey(p.location) === placeKey(candidate.location))) {
          pending.places.push(candidate);
        }
        continue;
      }
      this.pending.set(candidate.text, { text: candidate.text, hi, lo, places: [candidate] });
      if (this.pending.size >= this.batchSize) await this.flush(false);
    }
  }

  /**
   * Pattern hits: reported unless their text is, or holds, an inventory value (a connection
   * string with an inventory password: the inventory finding says more), once per rule and
   * text, at up to MAX_LOCATIONS_PER_TEXT places. The matched text and the candidates inside
   * it are checked against the inventory like candidates and then dropped; only their hashes
   * are queued.
   */
  async addPatternHits(hits: PatternHit[]): Promise<void> {
    for (const hit of hits) {
      const [hi, lo] = hash64(hit.matched);
      // Longer than any value the dashboard writes (lib/validation/secret-value.ts): no inventory value.
      const checked = hit.matched.length <= MAX_VALUE_CHARS;
      const inside = checked
        ? extractCandidates({ text: hit.matched, location: { path: hit.location.path, commit: hit.location.commit, authorDate: hit.location.authorDate } })
        : [];
      const inner: number[] = [];
      for (const candidate of inside) inner.push(...hash64(candidate.text));
      this.pendingHits.push({ ruleId: hit.ruleId, hi, lo, inner, location: hit.location, preview: hit.preview });
      if (checked) {
        await this.addCandidates([
          { text: hit.matched, location: hit.location, preview: hit.preview },
          // At the hit's place, with the hit's own preview (a mask; never the text inside).
          ...inside.map((candidate) => ({ text: candidate.text, location: hit.location, preview: hit.preview })),
        ]);
      }
    }
  }

  /** Sends what is pending, reports the last findings, and returns the totals. */
  async finish(): Promise<ScanProgress> {
    await this.flush(true);
    this.reportProgress(true);
    return { ...this.progress };
  }

  private holdsMatch(inner: number[]): boolean {
    if (this.matched.size === 0) return false;
    for (let i = 0; i < inner.length; i += 2) if (this.matchedOf(inner[i], inner[i + 1])) return true;
    return false;
  }

  private matchedOf(hi: number, lo: number): Matched | undefined {
    return this.matched.get(hi)?.find((m) => m.lo === lo);
  }

  private addMatchedPlace(entry: Matched, place: Seen): void {
    if (entry.count >= MAX_LOCATIONS_PER_TEXT) return;
    const key = placeKey(place.location);
    if (entry.places.has(key)) return;
    entry.places.add(key);
    entry.count++;
    const preview = place.preview;
    for (const m of entry.matches) {
      this.findings.push({
        severity: m.severity,
        secretId: m.secretId,
        providerVersionId: m.providerVersionId,
        versionId: m.versionId,
        ruleId: null,
        location: place.location,
        preview,
      });
    }
  }

  /**
   * Sends the pending batch to `match`. The previous batch is settled first, so at most one is
   * in flight: extraction of the next units goes on while the database answers. With `last`,
   * waits for this batch too.
   */
  private async flush(last: boolean): Promise<void> {
    if (this.running) {
      const previous = this.running;
      this.running = null;
      await previous;
    }
    // The pending map becomes the in-flight one whole (no per-text moves).
    const sending = this.pending;
    const batch = [...sending.values()];
    this.pending = new Map();
    const hits = this.pendingHits;
    this.pendingHits = [];
    this.inFlight = sending;
    const run = this.settle(batch, hits, sending);
    if (last) return run;
    // Awaited by the next flush (which rethrows a failure); handled here so it is never unhandled meanwhile.
    run.catch(() => {});
    this.running = run;
  }

  private async settle(batch: Pending[], hits: PendingHit[], sending: Map<string, Pending>): Promise<void> {
    if (batch.length > 0) {
      let matches: InventoryMatch[];
      try {
        matches = await this.match(batch.map((p) => p.text));
      } finally {
        if (this.inFlight === sending) this.inFlight = new Map();
      }
      this.progress.candidates += batch.length;
      for (const p of batch) this.sent.add(p.hi, p.lo);
      for (const m of matches) {
        const p = batch[m.candidateIndex];
        if (!p) continue;
        let entry = this.matchedOf(p.hi, p.lo);
        if (!entry) {
          entry = { hi: p.hi, lo: p.lo, matches: [], places: new Set(), count: 0 };
          const list = this.matched.get(p.hi) ?? [];
          list.push(entry);
          this.matched.set(p.hi, list);
        }
        entry.matches.push({ secretId: m.secretId, providerVersionId: m.providerVersionId, versionId: m.versionId, severity: m.severity });
      }
      for (const p of batch) {
        const entry = this.matchedOf(p.hi, p.lo);
        if (entry) for (const place of p.places) this.addMatchedPlace(entry, place);
      }
    }
    for (const hit of hits) {
      if (this.matchedOf(hit.hi, hit.lo) || this.holdsMatch(hit.inner)) continue;
      const id = `${hit.ruleId}\u0000${hit.hi}\u0000${hit.lo}`;
      let reported = this.hitPlaces.get(id);
      if (!reported) {
        reported = { places: new Set(), count: 0 };
        this.hitPlaces.set(id, reported);
      }
      const key = placeKey(hit.location);
      if (reported.count >= MAX_LOCATIONS_PER_TEXT || reported.places.has(key)) continue;
      reported.places.add(key);
      reported.count++;
      this.findings.push({
        severity: 'pattern',
        secretId: null,
        providerVersionId: null,
        versionId: null,
        ruleId: hit.ruleId,
        location: hit.location,
        preview: hit.preview,
      });
    }
    if (this.findings.length > 0) {
      const findings = this.findings;
      this.findings = [];
      this.progress.findings += findings.length;
      await this.onFindings(findings);
    }
    this.reportProgress(false);
  }

  private reportProgress(force: boolean): void {
    if (!this.onProgress) return;
    const now = Date.now();
    if (!force && now - this.lastProgressAt < 250) return;
    this.lastProgressAt = now;
    this.onProgress({ ...this.progress });
  }
}
