// Candidate strings of a scanned text: everything on a line that could be a secret value
// written through the dashboard. The leak check fingerprints each one and looks it up; it
// over-produces on purpose (a fingerprint lookup is cheap, a missed leak is not), within
// the value path's lengths. One pass of index scanning per line, no regular expressions on
// the hot path. Pure: the CLI runs it on the machine it scans (no server-only, no db).
import type { Candidate, LeakLocation, ScanUnit } from '@/lib/leak/types';
import { maskedPreview } from '@/lib/leak/preview';

/**
 * Shortest candidate. An entered value may be as short as one character (lib/validation/
 * secret-value.ts) and a generated one is at least 16 (GENERATED_LENGTH); fingerprinting
 * every 1-character token would flood the lookup with noise, so the floor is 8.
 */
export const MIN_CANDIDATE_LENGTH = 8;
/** Longest candidate (GENERATED_LENGTH.max; longer tokens are blobs, not values). */
export const MAX_CANDIDATE_LENGTH = 4096;
/** Lines of one unit on which the same text is reported; later ones add nothing new. */
export const MAX_LINES_PER_TEXT = 20;

// Token delimiters: whitespace, quotes, backticks, commas, semicolons, brackets, angle brackets.
const DELIMITER = new Uint8Array(128);
for (const c of ' \t\r\n\f\v"\'`,;()[]{}<>') DELIMITER[c.charCodeAt(0)] = 1;

const EQ = 61;
const COLON = 58;
const BACKSLASH = 92;

function isDelimiter(code: number): boolean {
  return code < 128 && DELIMITER[code] === 1;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}

/** Decodes a JSON string body (between its quotes); null when it is not valid JSON. */
function jsonString(body: string): string | null {
  try {
    const value: unknown = JSON.parse(`"${body}"`);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

function percentDecoded(text: string): string | null {
  if (!text.includes('%') && !text.includes('+')) return null;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * Texts already listed in this unit, by a 64-bit hash of their characters (open addressing;
 * slot = hi, lo, last line, times listed). A repeated text costs a hash, not a string.
 */
class SeenTexts {
  private table: Uint32Array;
  private size = 0;

  constructor(expected: number) {
    let slots = 1024;
    while (slots < expected * 2) slots *= 2;
    this.table = new Uint32Array(slots * 4);
  }

  /** Whether to list the text hashed (hi, lo) found on lineNo, and records it if so. */
  admit(hi: number, lo: number, lineNo: number): boolean {
    const t = this.table;
    const mask = t.length / 4 - 1;
    for (let slot = hi & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 4;
      const l = t[at + 1];
      if (l === 0) {
        t[at] = hi;
        t[at + 1] = lo;
        t[at + 2] = lineNo;
        t[at + 3] = 1;
        if (++this.size * 2 > mask + 1) this.grow();
        return true;
      }
      if (l === lo && t[at] === hi) {
        if (t[at + 2] === lineNo || t[at + 3] >= MAX_LINES_PER_TEXT) return false;
        t[at + 2] = lineNo;
        t[at + 3]++;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.table;
    const t = new Uint32Array(old.length * 2);
    const mask = t.length / 4 - 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 1] === 0) continue;
      let slot = old[at] & mask;
      while (t[slot * 4 + 1] !== 0) slot = (slot + 1) & mask;
      t.set(old.subarray(at, at + 4), slot * 4);
    }
    this.table = t;
  }
}

/** A 64-bit hash (two 32-bit halves, lo never 0) of text[start, end). */
export function hashRange(text: string, start: number, end: number): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ (end - start);
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, b >>> 0 || 1];
}

/**
 * A candidate whose preview is worked out when read: most candidates are never reported.
 * Serialises (JSON) as a plain Candidate; the line it came from is never serialised.
 */
class LineCandidate implements Candidate {
  constructor(
    readonly text: string,
    readonly location: LeakLocation,
    private readonly line: string,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get preview(): string {
    return maskedPreview(this.line, this.start, this.end);
  }

  toJSON(): Candidate {
    return { text: this.text, location: this.location, preview: this.preview };
  }
}

class Collector {
  readonly out: Candidate[] = [];
  private readonly seen: SeenTexts;
  /** Candidates of one line share their location object (read-only). */
  private lineNo = 0;
  private lineLocation: LeakLocation = { path: '', line: null, commit: null, authorDate: null };

  constructor(
    private readonly location: ScanUnit['location'],
    size: number,
  ) {
    this.seen = new SeenTexts(Math.ceil(size / 32));
  }

  /** The candidate line[start, end). */
  addRange(line: string, lineNo: number, start: number, end: number): void {
    const length = end - start;
    if (length < MIN_CANDIDATE_LENGTH || length > MAX_CANDIDATE_LENGTH) return;
    const [hi, lo] = hashRange(line, start, end);
    if (this.seen.admit(hi, lo, lineNo)) this.push(line.slice(start, end), line, lineNo, start, end);
  }

  /** A candidate text found at line[start, end) that differs from that slice (decoded). */
  add(text: string, line: string, lineNo: number, start: number, end: number): void {
    const length = text.length;
    if (length < MIN_CANDIDATE_LENGTH || length > MAX_CANDIDATE_LENGTH) return;
    const [hi, lo] = hashRange(text, 0, length);
    if (this.seen.admit(hi, lo, lineNo)) this.push(text, line, lineNo, start, end);
  }

  private push(text: string, line: string, lineNo: number, start: number, end: number): void {
    if (this.lineNo !== lineNo) {
      this.lineNo = lineNo;
      this.lineLocation = { ...this.location, line: lineNo };
    }
    this.out.push(new LineCandidate(text, this.lineLocation, line, start, end));
  }
}

/** URL userinfo password and query values of a token that holds `scheme://`. */
function urlParts(c: Collector, line: string, lineNo: number, start: number, end: number, schemeAt: number): void {
  const authorityStart = schemeAt + 3;
  let authorityEnd = authorityStart;
  while (authorityEnd < end) {
    const code = line.charCodeAt(authorityEnd);
    if (code === 47 || code === 63 || code === 35) break; // / ? #
    authorityEnd++;
  }
  const at = line.lastIndexOf('@', authorityEnd - 1);
  if (at >= authorityStart) {
    const colon = line.indexOf(':', authorityStart);
    if (colon !== -1 && colon < at) {
      c.addRange(line, lineNo, colon + 1, at);
      const decoded = percentDecoded(line.slice(colon + 1, at));
      if (decoded !== null) c.add(decoded, line, lineNo, colon + 1, at);
    }
  }
  const query = line.indexOf('?', authorityEnd);
  if (query === -1 || query >= end) return;
  let i = query + 1;
  while (i < end) {
    let next = line.indexOf('&', i);
    if (next === -1 || next > end) next = end;
    const eq = line.indexOf('=', i);
    if (eq !== -1 && eq < next) {
      let valueEnd = next;
      const hash = line.indexOf('#', eq);
      if (hash !== -1 && hash < valueEnd) valueEnd = hash;
      c.addRange(line, lineNo, eq + 1, valueEnd);
      const decoded = percentDecoded(line.slice(eq + 1, valueEnd));
      if (decoded !== null) c.add(decoded, line, lineNo, eq + 1, valueEnd);
    }
    i = next + 1;
  }
}

/** Candidates of one token line[start, end): itself, its right-hand side after `=`, URL parts. */
function tokenParts(c: Collector, line: string, lineNo: number, start: number, end: number): void {
  let eq = -1;
  let colon = -1;
  let scheme = -1;
  let timeLike = true;
  for (let i = start; i < end; i++) {
    const code = line.charCodeAt(i);
    if (code === EQ && eq === -1) eq = i;
    else if (code === COLON) {
      if (colon === -1) colon = i;
      if (scheme === -1 && line.charCodeAt(i + 1) === 47 && line.charCodeAt(i + 2) === 47) scheme = i;
    }
    // Digits and : . - + / T Z only: a timestamp, a time, a date.
    if (timeLike && !((code >= 48 && code <= 58) || code === 46 || code === 45 || code === 43 || code === 47 || code === 84 || code === 90)) timeLike = false;
  }
  if (timeLike && colon !== -1) return;
  if (scheme !== -1) {
    c.addRange(line, lineNo, start, end);
    urlParts(c, line, lineNo, start, end, scheme);
    return;
  }
  if (eq !== -1) {
    // `key=value`: the value; the whole token too unless it is plainly an assignment (base64 padding `abc==` is a value).
    const value = eq + 1 < end && line.charCodeAt(eq + 1) !== EQ;
    if (!value || !isKey(line, start, eq)) c.addRange(line, lineNo, start, end);
    if (value) c.addRange(line, lineNo, eq + 1, end);
    return;
  }
  c.addRange(line, lineNo, start, end);
  // `key:value` without a blank (YAML flow, headers written tight): the part after the colon.
  if (colon !== -1 && colon + 1 < end && isKey(line, start, colon)) c.addRange(line, lineNo, colon + 1, end);
}

/** Whether line[start, end) is an identifier-like key: a letter or `_` first, then letters, digits, `_`, `-`, `.`. */
function isKey(line: string, start: number, end: number): boolean {
  if (end <= start) return false;
  const first = line.charCodeAt(start);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95)) return false;
  for (let i = start + 1; i < end; i++) {
    const code = line.charCodeAt(i);
    if (!((code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 45 || code === 46)) return false;
  }
  return true;
}

/** The value of `key = value` or `key: value` to the end of the line, quotes stripped. */
function assignment(c: Collector, line: string, lineNo: number, from: number, to: number): void {
  let i = from;
  while (i < to) {
    const code = line.charCodeAt(i);
    if (code === EQ || (code === COLON && (i + 1 === to || isBlank(line.charCodeAt(i + 1))))) break;
    i++;
  }
  if (i >= to) return;
  // Only a line that is an assignment (`KEY=`, `export KEY=`, `- key:`, `"key":`), not text that holds an `=` somewhere.
  let k = from;
  if (line.startsWith('export ', k)) k += 7;
  else if (line.startsWith('- ', k)) k += 2;
  let keyEnd = i;
  while (keyEnd > k && isBlank(line.charCodeAt(keyEnd - 1))) keyEnd--;
  const quote = line.charCodeAt(k);
  if ((quote === 34 || quote === 39) && line.charCodeAt(keyEnd - 1) === quote) {
    k++;
    keyEnd--;
  }
  if (!isKey(line, k, keyEnd)) return;
  let start = i + 1;
  let end = to;
  while (start < end && isBlank(line.charCodeAt(start))) start++;
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  // A trailing comma or semicolon ends a statement, not a value.
  if (end > start && (line.charCodeAt(end - 1) === 44 || line.charCodeAt(end - 1) === 59)) end--;
  const first = line.charCodeAt(start);
  if (end - start >= 2 && (first === 34 || first === 39 || first === 96) && line.charCodeAt(end - 1) === first) {
    start++;
    end--;
  }
  if (end > start) c.addRange(line, lineNo, start, end);
}

/** The body of each quoted string on the line (JSON escapes decoded for double quotes). */
function quotedStrings(c: Collector, line: string, lineNo: number, from: number, to: number): void {
  let i = from;
  while (i < to) {
    const code = line.charCodeAt(i);
    if (code !== 34 && code !== 39 && code !== 96) {
      i++;
      continue;
    }
    let j = i + 1;
    let escaped = false;
    while (j < to) {
      const k = line.charCodeAt(j);
      if (k === BACKSLASH) {
        escaped = true;
        j += 2;
        continue;
      }
      if (k === code) break;
      j++;
    }
    if (j >= to) return;
    const body = line.slice(i + 1, j);
    // A body without delimiters is a token already; one with them (spaces, commas) is not.
    if (body.length >= MIN_CANDIDATE_LENGTH) {
      let needed = escaped;
      if (!needed) {
        for (let k = 0; k < body.length; k++) {
          if (isDelimiter(body.charCodeAt(k))) {
            needed = true;
            break;
          }
        }
      }
      if (needed) {
        c.addRange(line, lineNo, i + 1, j);
        if (escaped && code === 34) {
          const decoded = jsonString(body);
          if (decoded !== null && decoded !== body) c.add(decoded, line, lineNo, i + 1, j);
        }
      }
    }
    i = j + 1;
  }
}

function scanLine(c: Collector, line: string, lineNo: number, from: number, to: number): void {
  while (from < to && isBlank(line.charCodeAt(from))) from++;
  while (to > from && isBlank(line.charCodeAt(to - 1))) to--;
  if (to - from < MIN_CANDIDATE_LENGTH) return;
  let tokenStart = -1;
  let quotes = false;
  let assigns = false;
  let delimited = false;
  for (let i = from; i < to; i++) {
    const code = line.charCodeAt(i);
    if (code < 128 && DELIMITER[code] === 1) {
      delimited = true;
      if (code === 34 || code === 39 || code === 96) quotes = true;
      if (tokenStart !== -1) {
        if (i - tokenStart >= MIN_CANDIDATE_LENGTH) tokenParts(c, line, lineNo, tokenStart, i);
        tokenStart = -1;
      }
    } else {
      if (code === EQ || code === COLON) assigns = true;
      if (tokenStart === -1) tokenStart = i;
    }
  }
  if (tokenStart !== -1 && to - tokenStart >= MIN_CANDIDATE_LENGTH) tokenParts(c, line, lineNo, tokenStart, to);
  // The whole line (a passphrase with blanks); a line without delimiters is its one token.
  if (delimited) c.addRange(line, lineNo, from, to);
  if (assigns) assignment(c, line, lineNo, from, to);
  if (quotes) quotedStrings(c, line, lineNo, from, to);
}

/**
 * Every candidate of a unit, per line (1-based): the trimmed line, its tokens, right-hand
 * sides of assignments, URL passwords and query values, quoted and JSON strings. A text is
 * listed once per line, on at most MAX_LINES_PER_TEXT lines of the unit.
 */
export function extractCandidates(unit: ScanUnit): Candidate[] {
  const c = new Collector(unit.location, unit.text.length);
  const text = unit.text;
  let lineNo = 1;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start >= MIN_CANDIDATE_LENGTH) {
      const line = text.slice(start, end);
      scanLine(c, line, lineNo, 0, line.length);
    }
    lineNo++;
    start = end + 1;
  }
  return c.out;
}
