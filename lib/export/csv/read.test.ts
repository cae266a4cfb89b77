import { describe, expect, it } from 'vitest';
import { InputError } from '@/lib/errors';
import { readCsv } from './read';

const limits = { maxBytes: 1024, maxRows: 3 };

describe('readCsv', () => {
  it('detects the delimiter from the header line and strips a byte-order mark', () => {
    expect(readCsv('\uFEFFa;b\n1;"2;3"\n', limits)).toMatchObject({ delimiter: ';', header: ['a', 'b'], records: [{ line: 2, cells: ['1', '2;3'] }] });
    expect(readCsv('a\tb\r\n1\t2\r\n', limits)).toMatchObject({ delimiter: '\t', records: [{ line: 2, cells: ['1', '2'] }] });
    expect(readCsv('"a,b";c\n', limits).delimiter).toBe(';');
  });

  it('numbers records by the line they start on and skips blank and all-empty rows', () => {
    const file = readCsv('a,b\n"x\ny",1\n\n,\n2,3\n', limits);
    expect(file.records).toEqual([
      { line: 2, cells: ['x\ny', '1'] },
      { line: 6, cells: ['2', '3'] },
    ]);
  });

  it('enforces the byte and row limits', () => {
    expect(() => readCsv('a\n'.repeat(600), limits)).toThrow(InputError);
    expect(() => readCsv('a\n1\n2\n3\n', limits)).not.toThrow();
    expect(() => readCsv('a\n1\n2\n3\n4\n', limits)).toThrow(/more than 3 rows/);
  });
});
