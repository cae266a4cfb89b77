// secretlint's recommended rules through patternHits: known credential shapes with their
// rule, line and a masked preview; big and binary units skipped and counted.
import { performance } from 'node:perf_hooks';
import { secretLintProfiler } from '@secretlint/profiler';
import { describe, expect, it } from 'vitest';
import { MAX_PATTERN_UNIT_CHARS, patternHits } from '@/lib/leak/patterns';
import { sharesFourChars } from '@/lib/leak/preview';
import type { ScanUnit } from '@/lib/leak/types';

const unit = (text: string): ScanUnit => ({ text, location: { path: 'deploy/.env', commit: null, authorDate: null } });
// Fake credentials of real shapes (not the documentation examples secretlint ignores).
const AWS_ID = 'AKIAZ7VRSQ5TJN2QWXYZ';
const GITHUB = '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';
const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  ...Array.from({ length: 6 }, (_, i) => `MIIEowIBAAKCAQEA${String(i).repeat(48)}`),
  '-----END RSA PRIVATE KEY-----',
].join('\n');

describe('patternHits', () => {
  it('reports an AWS access key id, a GitHub token and a private key with rule, line and preview', async () => {
    const hits = await patternHits(unit(`# deploy\nAWS_ACCESS_KEY_ID=${AWS_ID}\nsome text\ntoken: ${GITHUB}\nkey: |\n${PEM}\n`));
    expect(hits.map((h) => [h.ruleId, h.location.line, h.preview])).toEqual([
      ['@secretlint/secretlint-rule-aws:AWSAccessKeyID', 2, 'AWS_ACCESS_KEY_ID=•••• (20 chars)'],
      ['@secretlint/secretlint-rule-github:GITHUB_TOKEN', 4, 'token: •••• (40 chars)'],
      ['@secretlint/secretlint-rule-privatekey:PrivateKey', 6, expect.stringMatching(/^•••• \(\d+ chars\)$/)],
    ]);
    expect(hits.map((h) => h.matched)).toEqual([AWS_ID, GITHUB, expect.stringContaining('MIIEowIBAAKCAQEA')]);
    for (const h of hits) expect(sharesFourChars(h.preview, h.matched)).toBe(false);
    expect(hits[0].location).toEqual({ path: 'deploy/.env', commit: null, authorDate: null, line: 2 });
  });

  it('leaves nothing behind on the performance timeline or in the secretlint profiler, scan after scan', async () => {
    for (let i = 0; i < 50; i++) await patternHits(unit(`token: ${GITHUB}`));
    expect((secretLintProfiler as unknown as { entries: unknown[] }).entries).toEqual([]);
    expect(performance.getEntriesByType('mark').filter((mark) => /secretlint|::(start|end)/.test(mark.name))).toEqual([]);
  });

  it('finds nothing in ordinary text', async () => {
    expect(await patternHits(unit('const a = 1;\nlet password = process.argv[2];\nhttps://example.com/x\n'))).toEqual([]);
  });

  it('skips binaries and units over the bound, and counts them', async () => {
    const skips: string[] = [];
    const onSkip = (reason: string) => void skips.push(reason);
    expect(await patternHits(unit(`\u0000\u0001PNG ${GITHUB}`), { onSkip })).toEqual([]);
    expect(await patternHits(unit(`${GITHUB}\n${'x'.repeat(MAX_PATTERN_UNIT_CHARS)}`), { onSkip })).toEqual([]);
    expect(skips).toEqual(['binary', 'large']);
  });
});
