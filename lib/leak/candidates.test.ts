// Candidate extraction: every way a value sits on a line yields the value itself.
import { describe, expect, it } from 'vitest';
import { extractCandidates, MAX_CANDIDATE_LENGTH, MAX_LINES_PER_TEXT, MIN_CANDIDATE_LENGTH } from '@/lib/leak/candidates';
import type { ScanUnit } from '@/lib/leak/types';

const unit = (text: string): ScanUnit => ({ text, location: { path: 'app.log', commit: null, authorDate: null } });
const texts = (text: string) => extractCandidates(unit(text)).map((c) => c.text);

describe('extractCandidates', () => {
  it('finds the trimmed line and its tokens', () => {
    const found = texts('  2026-12-06 INFO using key AKIAEXAMPLEKEY12345 (region us-east-1), ok  \n');
    expect(found).toContain('2026-12-06 INFO using key AKIAEXAMPLEKEY12345 (region us-east-1), ok');
    expect(found).toContain('AKIAEXAMPLEKEY12345');
    expect(found).toContain('us-east-1');
    expect(found).not.toContain('INFO');
  });

  it('finds right-hand sides of assignments, quoted or not', () => {
    expect(texts('DB_PASSWORD=s3cr3t-v4lue')).toContain('s3cr3t-v4lue');
    expect(texts('export TOKEN="quoted value with spaces"')).toContain('quoted value with spaces');
    expect(texts('password: correct horse battery staple')).toContain('correct horse battery staple');
    expect(texts("  api_key: 'single-quoted-1'")).toContain('single-quoted-1');
    expect(texts('const key = `backtick-value`;')).toContain('backtick-value');
    expect(texts('--client-secret=flag-value-99')).toContain('flag-value-99');
    expect(texts('secret:tight-colon-value')).toContain('tight-colon-value');
  });

  it('leaves out what cannot be a value: timestamps, whole assignments, the rest of a log line after an `=`', () => {
    const found = texts('2026-12-06T18:51:43.123Z INFO id=abcdef123456 status=200 took=1234ms padded=QWxhZGRpbjpvcGVuIHNlc2FtZQ== b64 YWJjZGVmZ2g=');
    expect(found).toContain('abcdef123456');
    expect(found).toContain('QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(found).toContain('YWJjZGVmZ2g=');
    expect(found).not.toContain('2026-12-06T18:51:43.123Z');
    expect(found).not.toContain('status=200');
    expect(found).not.toContain('id=abcdef123456');
    expect(found.some((t) => t.startsWith('abcdef123456 '))).toBe(false);
  });

  it('decodes JSON strings', () => {
    const found = texts('{"user": "svc", "password": "p\\u00e4ss \\"w0rd\\"\\n2", "n": 1}');
    expect(found).toContain('päss "w0rd"\n2');
  });

  it('finds URL passwords and query values, percent-decoded too', () => {
    const found = texts('DATABASE_URL=postgres://app:pa%24%24word99@db.internal:5432/app?sslmode=require&password=query-secret-1');
    expect(found).toContain('pa%24%24word99');
    expect(found).toContain('pa$$word99');
    expect(found).toContain('query-secret-1');
    expect(texts('GET https://api.example.com/v1/items?api_key=abc123def456&x=1 200')).toContain('abc123def456');
  });

  it('numbers lines from 1 and keeps the place of each occurrence', () => {
    const found = extractCandidates(unit('first line here\r\nno\nvalue=repeated-secret\n\nagain repeated-secret\n'));
    const lines = found.filter((c) => c.text === 'repeated-secret').map((c) => c.location.line);
    expect(lines).toEqual([3, 5]);
    expect(found.find((c) => c.text === 'first line here')?.location).toEqual({ path: 'app.log', commit: null, authorDate: null, line: 1 });
  });

  it('lists a text once per line and on at most MAX_LINES_PER_TEXT lines', () => {
    const found = texts(Array.from({ length: 50 }, () => 'k=same-value-x same-value-x "same-value-x"').join('\n'));
    expect(found.filter((t) => t === 'same-value-x')).toHaveLength(MAX_LINES_PER_TEXT);
  });

  it('keeps to the value lengths', () => {
    const short = 'x'.repeat(MIN_CANDIDATE_LENGTH - 1);
    const long = 'y'.repeat(MAX_CANDIDATE_LENGTH + 1);
    const found = texts(`a ${short} b ${'z'.repeat(MIN_CANDIDATE_LENGTH)} ${long}`);
    expect(found).not.toContain(short);
    expect(found).not.toContain(long);
    expect(found).toContain('z'.repeat(MIN_CANDIDATE_LENGTH));
    for (const t of found) expect(t.length).toBeGreaterThanOrEqual(MIN_CANDIDATE_LENGTH);
  });

  it('gives every candidate a preview that holds no part of it', () => {
    for (const c of extractCandidates(unit('API_KEY=abcdefgh12345678 and pass=zyxwvuts98765432'))) {
      for (let i = 0; i + 4 <= c.text.length; i++) expect(c.preview.toLowerCase()).not.toContain(c.text.slice(i, i + 4).toLowerCase());
    }
  });
});
