import { describe, expect, it } from 'vitest';
import { changedFields } from './changes';

describe('changedFields', () => {
  const fields = ['name', 'tags', 'rotatedAt', 'note'] as const;

  it('lists every field on create with before null', () => {
    expect(changedFields(null, { name: 'a', tags: ['x'], rotatedAt: null, note: undefined }, fields)).toEqual({
      name: { before: null, after: 'a' },
      tags: { before: null, after: ['x'] },
    });
  });

  it('keeps only real changes, comparing dates by instant and tag lists as sets', () => {
    const before = { name: 'a', tags: ['b', 'a'], rotatedAt: new Date('2026-01-01T00:00:00Z'), note: 'x' };
    const after = { name: 'a', tags: ['a', 'b'], rotatedAt: new Date('2026-02-01T00:00:00Z'), note: 'x' };
    expect(changedFields(before, after, fields)).toEqual({
      rotatedAt: { before: '2026-01-01T00:00:00.000Z', after: '2026-02-01T00:00:00.000Z' },
    });
  });
});
