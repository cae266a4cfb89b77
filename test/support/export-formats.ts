// Reading the two formats an export comes in (CSV and JSON Lines), for tests that compare them.
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';

export const parseCsv = (t: string) => parse(t, { bom: true, columns: true }) as Record<string, string>[];
export const parseJsonl = (t: string) =>
  t
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * One export read in both formats, once both are checked to agree: `count` rows each, exactly
 * `columns` in order, and the same ids in the same order.
 */
export async function exportedInBothFormats(read: (format: 'csv' | 'jsonl') => Promise<string>, count: number, columns: readonly string[]) {
  const csv = parseCsv(await read('csv'));
  const jsonl = parseJsonl(await read('jsonl'));
  expect(csv).toHaveLength(count);
  expect(jsonl).toHaveLength(count);
  expect(Object.keys(csv[0])).toEqual([...columns]);
  expect(Object.keys(jsonl[0])).toEqual([...columns]);
  expect(csv.map((r) => r.id)).toEqual(jsonl.map((r) => r.id));
  return { csv, jsonl };
}
