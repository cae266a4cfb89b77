import { describe, expect, it } from 'vitest';
import { ALPHABETS, entropyBits } from './alphabets';
import { generateSecretValue } from './generate';

describe('generateSecretValue', () => {
  it('draws exactly `length` characters from the chosen alphabet', () => {
    for (const name of ['alphanumeric', 'symbols', 'hex'] as const) {
      const value = generateSecretValue(name, 64).reveal();
      expect(value).toHaveLength(64);
      for (const ch of value) expect(ALPHABETS[name].characters).toContain(ch);
    }
  });

  it('uses every character of the alphabet and never repeats a value', () => {
    const seen = new Set<string>();
    const values = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const value = generateSecretValue('hex', 32).reveal();
      values.add(value);
      for (const ch of value) seen.add(ch);
    }
    expect(values.size).toBe(200);
    expect(seen.size).toBe(16);
  });

  it('reports entropy from alphabet size and length', () => {
    expect(entropyBits('hex', 32)).toBe(128);
    expect(entropyBits('alphanumeric', 32)).toBe(190);
  });
});
