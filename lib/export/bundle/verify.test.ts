import { describe, expect, it } from 'vitest';
import { lineSplitter, LineTooLongError } from './verify';

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

  it('refuses a line longer than its limit, wherever the chunks split it', () => {
    const lines: string[] = [];
    const splitter = lineSplitter((l) => lines.push(l), 8);
    splitter.write(Buffer.from('12345678\n1234'));
    expect(() => splitter.write(Buffer.from('56789'))).toThrow(LineTooLongError);
    expect(() => lineSplitter(() => {}, 8).write(Buffer.from('123456789\n'))).toThrow(LineTooLongError);
    expect(lines).toEqual(['12345678']);
  });

  it('joins a long line once, from pieces, however many chunks it spans', () => {
    const lines: string[] = [];
    const splitter = lineSplitter((l) => lines.push(l));
    for (let i = 0; i < 1000; i++) splitter.write(Buffer.from('ab'));
    splitter.write(Buffer.from('\nc'));
    splitter.end();
    expect(lines).toEqual(['ab'.repeat(1000), 'c']);
  });
});
