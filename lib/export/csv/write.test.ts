import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvStream, neutraliseFormula, unneutraliseFormula } from './write';

async function* from(records: string[][]) {
  yield* records;
}

describe('formula guard', () => {
  it('prefixes cells that start like a formula and undoes exactly that on import', () => {
    for (const cell of ['=1+1', '+1 555', '-2', '@SUM(A1)', '\tx', '\rx']) {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
      expect(unneutraliseFormula(neutraliseFormula(cell))).toBe(cell);
    }
    for (const cell of ['', 'plain', "'quoted", 'a=b', ' =x']) {
      expect(neutraliseFormula(cell)).toBe(cell);
      expect(unneutraliseFormula(cell)).toBe(cell);
    }
  });
});

describe('csvStream', () => {
  it('quotes cells with lone line breaks so every reader keeps the record whole', async () => {
    const rows = [
      ['a\nb', 'c\rd', 'x,"y"'],
      ['2', '', 'ü'],
    ];
    const text = await new Response(csvStream(['One', 'Two', 'Three'], from(rows))).text();
    expect(parse(text, { bom: true })).toEqual([['One', 'Two', 'Three'], ...rows]);
    expect(text.split('\r\n')).toHaveLength(4); // header, two records, trailing
  });
});
