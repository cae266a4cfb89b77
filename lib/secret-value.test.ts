import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REDACTED, SecretValue } from './secret-value';

describe('SecretValue', () => {
  const value = new SecretValue('hunter2-canary');

  it('prints [redacted] through every accidental route out of the process', () => {
    expect(String(value)).toBe(REDACTED);
    expect(`${value}`).toBe(REDACTED);
    expect(JSON.stringify({ value })).toBe(`{"value":"${REDACTED}"}`);
    expect(inspect(value)).toBe(REDACTED);
    expect(inspect({ nested: { value } }, { depth: 5 })).not.toContain('hunter2');
    expect(Object.keys(value)).toEqual([]);
  });

  it('hands the characters over only when asked, and measures bytes', () => {
    expect(value.reveal()).toBe('hunter2-canary');
    expect(new SecretValue('é').byteLength).toBe(2);
  });
});
