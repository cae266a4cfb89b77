// A finding's preview: the assignment key at most, then a mask; never any part of the match.
import { describe, expect, it } from 'vitest';
import { maskedPreview, sharesFourChars } from '@/lib/leak/preview';

function previewOf(line: string, matched: string): string {
  const start = line.indexOf(matched);
  return maskedPreview(line, start, start + matched.length);
}

describe('maskedPreview', () => {
  it('shows the identifier-like key before the match and the length', () => {
    expect(previewOf('DB_PASSWORD=hunter2hunter2', 'hunter2hunter2')).toBe('DB_PASSWORD=•••• (14 chars)');
    expect(previewOf('export API_TOKEN="abcdefgh12345678" # prod', 'abcdefgh12345678')).toBe('API_TOKEN=•••• (16 chars)');
    expect(previewOf('  "client_secret": "zq8Xw7Lk2Pj9Rt", "other": "x"', 'zq8Xw7Lk2Pj9Rt')).toBe('client_secret: •••• (14 chars)');
    expect(previewOf('password: correct horse battery', 'correct horse battery')).toBe('password: •••• (21 chars)');
  });

  it('shows only the mask when no key stands right before the match', () => {
    expect(previewOf('token abcdefgh12345678 was used by alice', 'abcdefgh12345678')).toBe('•••• (16 chars)');
    expect(previewOf('abcdefgh12345678', 'abcdefgh12345678')).toBe('•••• (16 chars)');
    // URL userinfo: the user name is not a key.
    expect(previewOf('postgres://admin:s3cretPassw0rd@db:5432/app', 's3cretPassw0rd')).toBe('•••• (14 chars)');
  });

  it('drops a key that shares four characters with the match, whatever the case', () => {
    expect(previewOf('SECRET_KEY=mysecretvalue123', 'mysecretvalue123')).toBe('•••• (16 chars)');
    expect(previewOf('VALUE=xxValuexx12', 'xxValuexx12')).toBe('•••• (11 chars)');
    expect(previewOf('ABC=abcabcabcabc', 'abcabcabcabc')).toBe('ABC=•••• (12 chars)');
  });

  it('changes the mask when the match holds the mask text', () => {
    expect(previewOf('K=a (12 chars) b', 'a (12 chars) b')).not.toContain('chars');
    expect(previewOf('K=x••••••y', 'x••••••y')).toBe('K=…');
  });

  it('never shares four characters with the match and shows no other text of the line (random lines)', () => {
    let seed = 0x2f6e2b1;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const alphabet = 'aAbBcCsShHrR_=:-. \'"`•()0123456789{},;?&/@chars KEY';
    const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let run = 0; run < 20_000; run++) {
      const line = pick(1 + Math.floor(random() * 60));
      const start = Math.floor(random() * line.length);
      const end = start + 1 + Math.floor(random() * (line.length - start));
      const matched = line.slice(start, end);
      const preview = maskedPreview(line, start, end);
      expect(sharesFourChars(preview, matched), JSON.stringify({ line, start, end, preview })).toBe(false);
      // What is not the mask is the key taken from right before the match.
      const key = preview.replace(/(•••• \(\d+ chars\)|••••|…)$/, '').replace(/(=|: )$/, '');
      if (key) expect(line.slice(0, start)).toContain(key);
    }
  });
});
