// The prefix filter answers by bisection over unsigned 64-bit prefixes: every stored prefix
// is found (whatever the high bits, duplicates included), and near misses are not.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { filterOfPrefixes } from '@/lib/leak/fingerprint-filter';

const words = (bytes: Uint8Array, at = 0): [number, number] => {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 8);
  return [view.getUint32(0), view.getUint32(4)];
};

describe('filterOfPrefixes', () => {
  it('finds every stored prefix and nothing else', () => {
    const count = 5000;
    const stored = randomBytes(count * 8);
    // Edge values and duplicates: all zeros, all ones, high bit set, same high word.
    stored.fill(0, 0, 8);
    stored.fill(0xff, 8, 16);
    stored.writeUInt32BE(0x80000000, 16);
    stored.writeUInt32BE(1, 20);
    stored.copy(stored, 24, 16, 20);
    stored.writeUInt32BE(2, 28);
    stored.copy(stored, 32, 40, 48);
    const filter = filterOfPrefixes(stored, 7n);
    expect(filter.size).toBe(count);
    expect(filter.changes).toBe(7n);
    for (let i = 0; i < count; i++) expect(filter.has(...words(stored, i * 8))).toBe(true);
    expect(filter.has(0x80000000, 3)).toBe(false);
    expect(filter.has(0x80000000, 0)).toBe(false);
    let misses = 0;
    for (let i = 0; i < 5000; i++) if (!filter.has(...words(randomBytes(8)))) misses++;
    expect(misses).toBe(5000);
  });

  it('holds nothing when nothing is stored, and ignores a trailing partial prefix', () => {
    expect(filterOfPrefixes(new Uint8Array(0), 0n).has(0, 0)).toBe(false);
    const filter = filterOfPrefixes(new Uint8Array([0, 0, 0, 1, 0, 0, 0, 2, 9, 9]), 0n);
    expect(filter.size).toBe(1);
    expect(filter.has(1, 2)).toBe(true);
    expect(filter.has(0x09090000, 0)).toBe(false);
  });
});
