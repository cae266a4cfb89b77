import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';

describe('keyset cursors', () => {
  const id = '7d4f0a52-5a3c-4f55-9a1e-0c7b3f1e2d10';

  it('round-trip a value and an id, including a null value', () => {
    expect(decodeCursor(encodeCursor('db-password', id))).toEqual({ value: 'db-password', id });
    expect(decodeCursor(encodeCursor(null, id))).toEqual({ value: null, id });
  });

  it('treat anything malformed as the first page', () => {
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor('not-base64-json')).toBeNull();
    expect(decodeCursor(Buffer.from(JSON.stringify(['x', 'not-a-uuid'])).toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'))).toBeNull();
  });
});
