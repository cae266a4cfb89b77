import { describe, expect, it } from 'vitest';
import { lineSplitter } from './bundle-verify';

describe('lineSplitter', () => {
  it('keeps lines and multi-byte characters whole across chunk boundaries', () => {
    const text = '{"team":"Zoë’s €"}\n{"n":2}\nlast';
    const bytes = Buffer.from(text, 'utf8');
    // Every split point, including those inside 'ë', '’' and '€'.
    for (let at = 1; at < bytes.length; at++) {
      const lines: string[] = [];
      const splitter = lineSplitter((l) => lines.push(l));
      splitter.write(bytes.subarray(0, at));
      splitter.write(bytes.subarray(at));
      splitter.end();
      expect(lines).toEqual(['{"team":"Zoë’s €"}', '{"n":2}', 'last']);
    }
  });
});
