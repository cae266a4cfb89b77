// The shapes the leak check passes between its parts (lib/leak): what is scanned, the
// candidate strings taken from it, and the findings recorded. A candidate's text lives
// only in memory while it is fingerprinted; nothing here is stored but a NewFinding.

/** Where something was found. path is "" for pasted text; commit and authorDate for git history. */
export type LeakLocation = { path: string; line: number | null; commit: string | null; authorDate: Date | null };

/** One text to scan: a pasted text, a file of an upload or archive, a blob of a repository. */
export type ScanUnit = { text: string; location: Omit<LeakLocation, 'line'> };

/** A string that might be a secret value, with where it was and a masked preview (never the text). */
export type Candidate = { text: string; location: LeakLocation; preview: string };

/** A credential of a known shape found by a pattern rule. matched stays in memory only. */
export type PatternHit = { ruleId: string; matched: string; location: LeakLocation; preview: string };

export type LeakSeverity = 'current_value' | 'previous_value' | 'pattern';

/** A candidate whose keyed fingerprint is an inventory secret's version. */
export type InventoryMatch = {
  candidateIndex: number;
  secretId: string;
  providerVersionId: string;
  /** Our secret_versions row, when the dashboard wrote the version (null for a backfilled fingerprint). */
  versionId: string | null;
  severity: 'current_value' | 'previous_value';
};

/** What is stored of a finding: never the matched text or any part of it. */
export type NewFinding = {
  severity: LeakSeverity;
  secretId: string | null;
  providerVersionId: string | null;
  versionId: string | null;
  ruleId: string | null;
  location: LeakLocation;
  preview: string;
};

/** Running totals a long scan reports as it goes. */
export type ScanProgress = {
  bytes: number;
  files: number;
  commits: number;
  candidates: number;
  findings: number;
  /** Units left unscanned by a bound (too large, binary); counted by LeakScanner and the unit sources. */
  skipped?: number;
};
