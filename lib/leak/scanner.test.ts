// The scan engine with an in-memory inventory: texts sent once, matches and pattern hits
// turned into findings, locations capped, pattern hits of inventory values dropped.
import { describe, expect, it } from 'vitest';
import { sharesFourChars } from '@/lib/leak/preview';
import { LeakScanner, MAX_LOCATIONS_PER_TEXT } from '@/lib/leak/scanner';
import type { InventoryMatch, NewFinding, PatternHit, ScanProgress, ScanUnit } from '@/lib/leak/types';

const CURRENT = 'cUrr3nt-Value-0001';
const OLD = 'olD-value-rotated-0002';

function inventory() {
  const sent: string[][] = [];
  const match = async (texts: string[]): Promise<InventoryMatch[]> => {
    sent.push([...texts]);
    const out: InventoryMatch[] = [];
    texts.forEach((text, candidateIndex) => {
      if (text === CURRENT) out.push({ candidateIndex, secretId: 's1', providerVersionId: 'v2', versionId: 'r2', severity: 'current_value' });
      if (text === OLD) out.push({ candidateIndex, secretId: 's1', providerVersionId: 'v1', versionId: 'r1', severity: 'previous_value' });
    });
    return out;
  };
  return { sent, match };
}

const unit = (text: string, path = 'a.env', commit: string | null = null): ScanUnit => ({ text, location: { path, commit, authorDate: null } });

describe('LeakScanner', () => {
  it('reports inventory matches with their place, severity and a preview, and counts what it scanned', async () => {
    const { match } = inventory();
    const findings: NewFinding[] = [];
    const progress: ScanProgress[] = [];
    const scanner = new LeakScanner({ match, onFindings: (f) => void findings.push(...f), onProgress: (p) => progress.push(p), batchSize: 3 });
    const texts = [`# config\nAPI_KEY=${CURRENT}\nold: ${OLD}\n`, `noise line one\nagain ${CURRENT}`];
    await scanner.addUnit(unit(texts[0], 'app/.env', 'c1'));
    await scanner.addUnit(unit(texts[1], 'b.txt', 'c2'));
    const totals = await scanner.finish();
    expect(findings).toEqual(
      expect.arrayContaining([
        {
          severity: 'current_value',
          secretId: 's1',
          providerVersionId: 'v2',
          versionId: 'r2',
          ruleId: null,
          location: { path: 'app/.env', line: 2, commit: 'c1', authorDate: null },
          preview: 'API_KEY=•••• (18 chars)',
        },
        {
          severity: 'previous_value',
          secretId: 's1',
          providerVersionId: 'v1',
          versionId: 'r1',
          ruleId: null,
          location: { path: 'app/.env', line: 3, commit: 'c1', authorDate: null },
          preview: 'old: •••• (22 chars)',
        },
        {
          severity: 'current_value',
          secretId: 's1',
          providerVersionId: 'v2',
          versionId: 'r2',
          ruleId: null,
          location: { path: 'b.txt', line: 2, commit: 'c2', authorDate: null },
          preview: '•••• (18 chars)',
        },
      ]),
    );
    expect(findings).toHaveLength(3);
    expect(totals).toMatchObject({ files: 2, commits: 2, findings: 3, bytes: Buffer.byteLength(texts.join('')) });
    expect(totals.candidates).toBeGreaterThan(3);
    expect(progress.at(-1)).toEqual(totals);
    for (const f of findings) {
      expect(JSON.stringify(f)).not.toContain(CURRENT.slice(0, 8));
      expect(JSON.stringify(f)).not.toContain(OLD.slice(0, 8));
      expect(sharesFourChars(f.preview, CURRENT) || sharesFourChars(f.preview, OLD)).toBe(false);
    }
  });

  it('sends each distinct text once, however often it appears', async () => {
    const { sent, match } = inventory();
    const scanner = new LeakScanner({ match, onFindings: () => {}, batchSize: 2 });
    for (let i = 0; i < 5; i++) await scanner.addUnit(unit('repeated-token-aaaa other-token-bbbb third-token-cccc', `f${i}`));
    await scanner.finish();
    const all = sent.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain('repeated-token-aaaa');
  });

  it('keeps at most MAX_LOCATIONS_PER_TEXT places of a matched text, across batches', async () => {
    const { match } = inventory();
    const findings: NewFinding[] = [];
    const scanner = new LeakScanner({ match, onFindings: (f) => void findings.push(...f), batchSize: 1 });
    for (let i = 0; i < 30; i++) await scanner.addUnit(unit(`x ${CURRENT}`, `file-${i}.log`));
    await scanner.finish();
    expect(findings).toHaveLength(MAX_LOCATIONS_PER_TEXT);
    expect(new Set(findings.map((f) => f.location.path)).size).toBe(MAX_LOCATIONS_PER_TEXT);
  });

  it('reports pattern hits once per rule, text and place, and drops those whose text is an inventory value', async () => {
    const { match } = inventory();
    const findings: NewFinding[] = [];
    const hit = (matched: string, path: string, line: number): PatternHit => ({
      ruleId: 'aws-access-key-id',
      matched,
      location: { path, line, commit: null, authorDate: null },
      preview: '•••• (20 chars)',
    });
    const scanner = new LeakScanner({
      match,
      onFindings: (f) => void findings.push(...f),
      patterns: async (u) =>
        u.text.includes('AKIA')
          ? [hit('AKIAIOSFODNN7EXAMPLE', u.location.path, 1), hit('AKIAIOSFODNN7EXAMPLE', u.location.path, 1)]
          : [hit(CURRENT, u.location.path, 1)],
    });
    await scanner.addUnit(unit('key AKIAIOSFODNN7EXAMPLE', 'one.txt'));
    await scanner.addUnit(unit('key AKIAIOSFODNN7EXAMPLE', 'two.txt'));
    await scanner.addUnit(unit(`inventory ${CURRENT}`, 'three.txt'));
    await scanner.finish();
    const patterns = findings.filter((f) => f.severity === 'pattern');
    expect(patterns.map((f) => [f.ruleId, f.location.path])).toEqual([
      ['aws-access-key-id', 'one.txt'],
      ['aws-access-key-id', 'two.txt'],
    ]);
    expect(findings.filter((f) => f.severity === 'current_value').map((f) => f.location.path)).toEqual(['three.txt']);
  });

  it('keeps filling the next batch while one is matched, without sending a text twice or losing a place', async () => {
    const { sent, match } = inventory();
    let inFlight = 0;
    let most = 0;
    const slow = async (texts: string[]) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return match(texts);
    };
    const findings: NewFinding[] = [];
    const scanner = new LeakScanner({ match: slow, onFindings: (f) => void findings.push(...f), batchSize: 2, patterns: null });
    for (let i = 0; i < 6; i++) await scanner.addUnit(unit(`k=${CURRENT} filler-${i}-aaaa filler-${i}-bbbb`, `f${i}`));
    await scanner.finish();
    expect(most).toBe(1);
    expect(sent.flat().filter((t) => t === CURRENT)).toHaveLength(1);
    expect(findings.map((f) => f.location.path)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
  });

  it('reports a failed match to the caller', async () => {
    const scanner = new LeakScanner({ match: () => Promise.reject(new Error('lookup failed')), onFindings: () => {}, batchSize: 1, patterns: null });
    await expect(
      (async () => {
        await scanner.addUnit(unit('first-candidate-text second-candidate-text'));
        await scanner.finish();
      })(),
    ).rejects.toThrow('lookup failed');
  });

  it('drops a pattern hit that holds an inventory value (a connection string with an inventory password)', async () => {
    const { match } = inventory();
    const findings: NewFinding[] = [];
    const url = `postgres://app:${CURRENT}@db.internal:5432/app`;
    const scanner = new LeakScanner({
      match,
      onFindings: (f) => void findings.push(...f),
      patterns: async (u) => [
        { ruleId: 'connection-string', matched: url, location: { ...u.location, line: 1 }, preview: 'DATABASE_URL=•••• (48 chars)' },
        { ruleId: 'connection-string', matched: 'postgres://app:not-inventory-pw@db/app', location: { ...u.location, line: 2 }, preview: '•••• (38 chars)' },
      ],
    });
    await scanner.addUnit(unit(`DATABASE_URL=${url}\nOTHER=postgres://app:not-inventory-pw@db/app`));
    await scanner.finish();
    expect(findings.map((f) => [f.severity, f.ruleId, f.location.line, f.preview])).toEqual([
      ['current_value', null, 1, '•••• (18 chars)'],
      ['pattern', 'connection-string', 2, '•••• (38 chars)'],
    ]);
  });

  it('takes candidates and pattern hits made elsewhere (the CLI path)', async () => {
    const { match } = inventory();
    const findings: NewFinding[] = [];
    const scanner = new LeakScanner({ match, onFindings: (f) => void findings.push(...f) });
    const location = { path: 'src/x.ts', line: 7, commit: 'abc', authorDate: new Date('2026-01-02T03:04:05Z') };
    await scanner.addCandidates([{ text: OLD, location, preview: 'k=•••• (22 chars)' }]);
    await scanner.addPatternHits([{ ruleId: 'generic', matched: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', location, preview: '•••• (40 chars)' }]);
    await scanner.finish();
    expect(findings.map((f) => [f.severity, f.location, f.preview])).toEqual([
      ['previous_value', location, 'k=•••• (22 chars)'],
      ['pattern', location, '•••• (40 chars)'],
    ]);
  });
});
