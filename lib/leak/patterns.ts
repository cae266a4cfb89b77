// Credentials of known shapes that are not (or not yet) in the inventory: secretlint's
// recommended rule set (@secretlint/secretlint-rule-preset-recommend, pinned at 11.7.1, the
// last line that runs on Node 20). secretlint's messages quote the secret they found; only
// the rule, the place and a masked preview leave this module (and the matched text, in
// memory, for the scanner to check against the inventory before dropping it).
import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { maskedPreview } from '@/lib/leak/preview';
import type { PatternHit, ScanUnit } from '@/lib/leak/types';

// secretlint marks every rule's start and end on the global performance timeline, and its
// profiler keeps every mark forever and searches them all at each new one: a scan of 10,000
// blobs slowed to minutes and the server's memory grew with every scan. Nothing here reads
// the profile, so no marks are made.
secretLintProfiler.mark = () => {};

/** Largest unit the rules run on (their regular expressions cost time on huge texts); larger ones are skipped (counted). */
export const MAX_PATTERN_UNIT_CHARS = 8 * 1024 * 1024;

export type PatternSkip = 'large' | 'binary';

type LintConfig = Parameters<typeof lintSource>[0]['options']['config'];

const CONFIG: LintConfig = {
  rules: [
    {
      id: recommended.meta.id,
      rule: recommended,
      // AWS access key ids (AKIA...) are reported too, not only secret access keys.
      rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
    },
  ],
};

/** The rule id a finding stores: secretlint's rule id and the message id (the kind of credential). */
function ruleIdOf(ruleId: string, messageId: string | undefined): string {
  return messageId ? `${ruleId}:${messageId}` : ruleId;
}

/**
 * The pattern hits of one unit. A unit larger than MAX_PATTERN_UNIT_CHARS, or one with a NUL
 * character in its first 8 KB (a binary), is skipped and reported to onSkip.
 */
export async function patternHits(unit: ScanUnit, options: { onSkip?(reason: PatternSkip): void } = {}): Promise<PatternHit[]> {
  const text = unit.text;
  if (text.length > MAX_PATTERN_UNIT_CHARS) {
    options.onSkip?.('large');
    return [];
  }
  if (text.slice(0, 8192).includes('\u0000')) {
    options.onSkip?.('binary');
    return [];
  }
  const result = await lintSource({
    // No file path: rules that read the file from disk (PKCS#12) must not, and none sees where it came from.
    source: { content: text, filePath: 'scanned-unit', contentType: 'text' },
    options: { config: CONFIG, noPhysicFilePath: true, maskSecrets: true },
  });
  const hits: PatternHit[] = [];
  let lineStarts: number[] | null = null;
  for (const message of result.messages) {
    const [start, end] = message.range;
    if (!(end > start)) continue;
    lineStarts ??= startsOfLines(text);
    const lineIndex = lineOf(lineStarts, start);
    const lineStart = lineStarts[lineIndex];
    const matched = text.slice(start, end);
    // The line up to the match, then the whole match (a private key spans lines): the key
    // shown is checked against all of it, and the length is the match's.
    const line = text.slice(lineStart, start) + matched;
    hits.push({
      ruleId: ruleIdOf(message.ruleId, message.messageId),
      matched,
      location: { ...unit.location, line: lineIndex + 1 },
      preview: maskedPreview(line, start - lineStart, line.length),
    });
  }
  return hits;
}

function startsOfLines(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/** The index of the line holding offset (binary search over line starts). */
function lineOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
