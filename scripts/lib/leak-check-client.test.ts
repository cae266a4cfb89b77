// The CLI's client side without a server: which servers it accepts a token for, its command
// line, how it batches candidates within the server's limits, and that a candidate never
// reaches its output. The end-to-end run against the real routes is e2e/leak-cli.spec.ts.
import { describe, expect, it } from 'vitest';
import type { Candidate, PatternHit, ScanUnit } from '../../lib/leak/types';
import { MAX_BATCH_ITEMS, MAX_PLACES_PER_TEXT, parseCli, runLeakCheck, serverUrlOf, UsageError, type CliOptions } from './leak-check-client';

const TOKEN = `sid_${'A'.repeat(43)}`;
const SCAN_ID = '0b9f4f4e-8c0a-4d59-9a3e-2f3c3e0f1a11';

describe('the server URL', () => {
  it('is https, or http to this machine only', () => {
    for (const ok of ['https://dash.example.com', 'http://127.0.0.1:3000', 'http://localhost:3403', 'http://[::1]:3000', 'http://127.8.9.10/'])
      expect(serverUrlOf(ok)).toBeInstanceOf(URL);
    for (const bad of [
      'http://dash.example.com',
      'http://10.0.0.5:3000',
      'http://127.0.0.1.nip.io',
      'ftp://127.0.0.1',
      'not a url',
      'http://localhost.evil.test',
    ])
      expect(() => serverUrlOf(bad)).toThrow(UsageError);
  });
});

describe('the command line', () => {
  const read = (file: string) =>
    file === 'tok'
      ? `${TOKEN}\n`
      : (() => {
          throw new Error('ENOENT');
        })();
  it('takes a path, --server, --token-file, --label, and the token from LEAK_CHECK_TOKEN', () => {
    expect(parseCli(['repo'], TOKEN, read)).toMatchObject({ target: 'repo', token: TOKEN, label: 'repo', server: new URL('http://127.0.0.1:3000') });
    expect(parseCli(['--server', 'https://d.example', 'repo', '--token-file', 'tok', '--label=nightly'], undefined, read)).toMatchObject({
      target: 'repo',
      token: TOKEN,
      label: 'nightly',
      server: new URL('https://d.example'),
    });
  });
  it('refuses a missing or malformed token, an unreadable file, unknown flags and extra paths', () => {
    expect(() => parseCli(['repo'], undefined, read)).toThrow(/No access token/);
    expect(() => parseCli(['repo'], 'hunter2', read)).toThrow(/not an access token/);
    expect(() => parseCli(['repo', '--token-file', 'missing'], undefined, read)).toThrow(/Cannot read/);
    expect(() => parseCli(['repo', '--verbose'], TOKEN, read)).toThrow(/Unknown option/);
    expect(() => parseCli(['a', 'b'], TOKEN, read)).toThrow(UsageError);
    expect(() => parseCli(['repo', '--server'], TOKEN, read)).toThrow(/needs a value/);
    expect(() => parseCli(['repo', '--server', 'http://192.168.1.2'], TOKEN, read)).toThrow(/plain http/);
  });
});

type Sent = { url: string; auth: string | null; body: Record<string, unknown> };

function fakeServer(answer: (url: string, body: Record<string, unknown>) => { status: number; json: unknown } = () => ({ status: 200, json: {} })) {
  const sent: Sent[] = [];
  const fetchFn = (async (input: URL | RequestInfo, init?: RequestInit) => {
    const url = String(input);
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
    sent.push({ url, auth: new Headers(init?.headers).get('authorization'), body });
    let reply: { status: number; json: unknown };
    if (url.endsWith('/api/leak-check/scans')) reply = { status: 201, json: { scanId: SCAN_ID } };
    else if (url.endsWith('/finish')) reply = { status: 200, json: { scanId: SCAN_ID, findings: 2, url: `/leaks/${SCAN_ID}` } };
    else reply = answer(url, body);
    return new Response(JSON.stringify(reply.json), { status: reply.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { sent, fetchFn };
}

const options: CliOptions = { target: 'repo', server: new URL('http://127.0.0.1:3403'), token: TOKEN, label: 'repo' };

async function* unitsOf(texts: string[]): AsyncIterable<ScanUnit> {
  for (const [i, text] of texts.entries())
    yield { text, location: { path: `f${i}.txt`, commit: 'a'.repeat(40), authorDate: new Date('2026-01-02T03:04:05Z') } };
}

/** One candidate per line, the line itself; a pattern hit for lines starting AKIA. */
const extract = (unit: ScanUnit): Candidate[] =>
  unit.text.split('\n').map((text, i) => ({ text, location: { ...unit.location, line: i + 1 }, preview: `•••• (${text.length} chars)` }));
const patterns = async (unit: ScanUnit): Promise<PatternHit[]> =>
  extract(unit)
    .filter((c) => c.text.startsWith('AKIA'))
    .map((c) => ({ ruleId: 'aws-access-key', matched: c.text, location: c.location, preview: c.preview }));

describe('a run', () => {
  it('starts a scan, sends candidates and pattern hits with their places in batches within the limits, and finishes', async () => {
    const { sent, fetchFn } = fakeServer((_url, body) => ({ status: 200, json: { findings: (body.patterns as unknown[]).length } }));
    const lines: string[] = [];
    const many = Array.from({ length: MAX_BATCH_ITEMS + 10 }, (_, i) => `candidate-value-${i}`).join('\n');
    const result = await runLeakCheck({
      options,
      units: unitsOf([many, 'AKIAABCDEFGHIJKLMNOP\nsomething-else']),
      extract,
      patterns,
      fetch: fetchFn,
      say: (l) => lines.push(l),
      commitsSoFar: () => 7,
    });
    expect(result).toMatchObject({ scanId: SCAN_ID, findings: 2, url: `http://127.0.0.1:3403/leaks/${SCAN_ID}` });
    expect(sent.every((s) => s.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(sent[0]).toMatchObject({ url: 'http://127.0.0.1:3403/api/leak-check/scans', body: { kind: 'cli', label: 'repo' } });
    const batches = sent.filter((s) => s.url.endsWith('/batches'));
    // Two full batches, and the pattern hit's text checked against the inventory on its own.
    expect(batches.length).toBe(3);
    for (const b of batches) {
      const items = (b.body.candidates as unknown[]).length + (b.body.patterns as unknown[]).length;
      expect(items).toBeLessThanOrEqual(MAX_BATCH_ITEMS);
      expect(JSON.stringify(b.body).length).toBeLessThan(2_000_000);
    }
    const all = batches.flatMap((b) => b.body.candidates as { text: string; path: string; line: number; commit: string; authorDate: string }[]);
    expect(all.length).toBe(MAX_BATCH_ITEMS + 10 + 2); // every line once, the pattern hit's text included
    expect(all.find((c) => c.text === 'candidate-value-42')).toEqual({
      text: 'candidate-value-42',
      path: 'f0.txt',
      line: 43,
      commit: 'a'.repeat(40),
      authorDate: '2026-01-02T03:04:05.000Z',
      preview: '•••• (18 chars)',
    });
    const hits = batches.flatMap((b) => b.body.patterns as unknown[]);
    expect(hits).toEqual([
      { ruleId: 'aws-access-key', path: 'f1.txt', line: 1, commit: 'a'.repeat(40), authorDate: '2026-01-02T03:04:05.000Z', preview: '•••• (20 chars)' },
    ]);
    expect(batches.at(-1)!.body.progress).toMatchObject({ files: 2, commits: 7 });
    expect(sent.at(-1)).toMatchObject({ url: `http://127.0.0.1:3403/api/leak-check/scans/${SCAN_ID}/finish`, body: { status: 'completed' } });
    // Progress says counts, never a candidate.
    expect(lines.at(-1)).toMatch(/7 commits, 2 blobs, .* MB, \d+ candidates sent, 1 findings/);
    expect(lines.join('\n')).not.toMatch(/candidate-value|AKIA|something-else/);
  });

  it('drops a pattern hit whose text is an inventory value, and sends its other places as candidates', async () => {
    const INVENTORY = 'AKIAINVENTORYVALUE00';
    const { sent, fetchFn } = fakeServer((_url, body) => ({
      status: 200,
      json: { findings: (body.candidates as { text: string }[]).filter((c) => c.text === INVENTORY).length },
    }));
    const units = unitsOf([`${INVENTORY}\nAKIAUNKNOWNKEY000000`, `x\n${INVENTORY}\nAKIAUNKNOWNKEY000000`]);
    const result = await runLeakCheck({ options, units, extract, patterns, fetch: fetchFn, say: () => {} });
    const batches = sent.filter((s) => s.url.endsWith('/batches'));
    const candidates = batches.flatMap((b) =>
      (b.body.candidates as { text: string; path: string; line: number }[]).map((c) => `${c.text}@${c.path}:${c.line}`),
    );
    const hits = batches.flatMap((b) => (b.body.patterns as { ruleId: string; path: string; line: number }[]).map((h) => `${h.ruleId}@${h.path}:${h.line}`));
    // The inventory value: checked once, then sent from its second place; never a pattern hit.
    expect(candidates.filter((c) => c.startsWith(INVENTORY))).toEqual([`${INVENTORY}@f0.txt:1`, `${INVENTORY}@f1.txt:2`]);
    // The unknown key: checked once, not sent again; a pattern hit at both places.
    expect(candidates.filter((c) => c.startsWith('AKIAUNKNOWN'))).toEqual(['AKIAUNKNOWNKEY000000@f0.txt:2']);
    expect(hits).toEqual(['aws-access-key@f0.txt:2', 'aws-access-key@f1.txt:3']);
    expect(result.progress.findings).toBe(2);
  });

  it('keeps every batch under the 2 MiB the server takes, whatever the texts hold', async () => {
    const { sent, fetchFn } = fakeServer(() => ({ status: 200, json: { findings: 0 } }));
    const nasty = (i: number, len: number) => `${i}:` + ['"', '\\', 'é', '€', '\u0001', 'a'][i % 6].repeat(len);
    const lines = Array.from({ length: 3000 }, (_, i) => nasty(i, 1 + ((i * 37) % 4000)));
    await runLeakCheck({ options, units: unitsOf([lines.join('\n')]), extract, patterns, fetch: fetchFn, say: () => {} });
    const batches = sent.filter((s) => s.url.endsWith('/batches'));
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) expect(Buffer.byteLength(JSON.stringify(b.body), 'utf8')).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(batches.flatMap((b) => b.body.candidates as unknown[]).length).toBe(3000);
  });

  it('sends one text from at most 20 places', async () => {
    const { sent, fetchFn } = fakeServer(() => ({ status: 200, json: { findings: 0 } }));
    const same = Array.from({ length: 30 }, () => 'the-same-value-everywhere');
    await runLeakCheck({ options, units: unitsOf(same), extract, patterns, fetch: fetchFn, say: () => {} });
    const all = sent.filter((s) => s.url.endsWith('/batches')).flatMap((b) => b.body.candidates as unknown[]);
    expect(all.length).toBe(MAX_PLACES_PER_TEXT);
  });

  it('finishes the scan as failed in its own words when the server refuses a batch, and says why', async () => {
    const { sent, fetchFn } = fakeServer(() => ({ status: 401, json: { error: 'Sign in to continue.', code: 'unauthorized' } }));
    const run = runLeakCheck({ options, units: unitsOf(['secret-looking-value']), extract, patterns, fetch: fetchFn, say: () => {} });
    await expect(run).rejects.toThrow(/The server refused: Sign in to continue\. \(the token is unknown, revoked or expired/);
    const finish = sent.at(-1)!;
    expect(finish.url).toMatch(/\/finish$/);
    expect(finish.body.status).toBe('failed');
    expect(JSON.stringify(finish.body)).not.toContain('secret-looking-value');
  });

  it('refuses what cannot be read before starting a scan on the server', async () => {
    const { sent, fetchFn } = fakeServer();
    async function* unreadable(): AsyncIterable<ScanUnit> {
      throw new Error('This is not a git repository.');
    }
    await expect(runLeakCheck({ options, units: unreadable(), extract, patterns, fetch: fetchFn, say: () => {} })).rejects.toThrow('not a git repository');
    expect(sent).toEqual([]);
  });

  it('says so when the server cannot be reached', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(runLeakCheck({ options, units: unitsOf([]), extract, patterns, fetch: down, say: () => {} })).rejects.toThrow(
      'Cannot reach the server at http://127.0.0.1:3403.',
    );
  });
});
