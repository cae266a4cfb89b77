// The plain-JavaScript HMAC-SHA256 gives node:crypto's answer for every text and key shape.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '@/lib/leak/hmac';

const reference = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

describe('hmacSha256Hex', () => {
  it('equals createHmac on texts of every length around the block boundaries, ASCII and not', () => {
    for (const key of [
      'test-only-fingerprint-pepper-0123456789abcdef',
      'k'.repeat(64),
      'a-pepper-longer-than-one-block-'.repeat(4),
      'pépper-ünïcode-0123456789abcdefgh',
    ]) {
      const fingerprint = hmacSha256Hex(key);
      for (let length = 0; length <= 200; length++) {
        const ascii = randomBytes(length).toString('base64').slice(0, length);
        expect(fingerprint(ascii)).toBe(reference(key, ascii));
        const mixed = `${ascii.slice(0, length >> 1)}é€😀${ascii.slice(length >> 1)}`;
        expect(fingerprint(mixed)).toBe(reference(key, mixed));
      }
      const long = randomBytes(6000).toString('hex');
      expect(fingerprint(long)).toBe(reference(key, long));
      // A short text after a long one: no bytes of the earlier text remain in the buffer.
      expect(fingerprint('short-after-long')).toBe(reference(key, 'short-after-long'));
    }
  });
});
