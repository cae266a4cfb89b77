import { describe, expect, it } from 'vitest';
import { decodeDriftCursor, encodeDriftCursor, ZDriftFix, ZDriftQuery } from './drift-input';

const ID = '8a6e0804-2bd0-4672-b79a-d2bf83d4c36d';

describe('drift cursors', () => {
  it('carry the last finding (secret name, id, kind) there and back', () => {
    const cursor = { name: 'db/password "prod"', id: ID, kind: 'tags_mismatch' as const };
    expect(decodeDriftCursor(encodeDriftCursor(cursor))).toEqual(cursor);
  });

  it('read as the first page when malformed, of another list, or naming an unknown kind', () => {
    expect(decodeDriftCursor('not-base64-json')).toBeNull();
    expect(decodeDriftCursor(Buffer.from(JSON.stringify(['name', ID])).toString('base64url'))).toBeNull();
    expect(decodeDriftCursor(Buffer.from(JSON.stringify([JSON.stringify(['n', 'drop_table']), ID])).toString('base64url'))).toBeNull();
  });
});

describe('drift input', () => {
  it('drops a malformed connection or kind from the URL instead of failing', () => {
    expect(ZDriftQuery.parse({ connection: 'x', kind: 'nope', cursor: 'c' })).toEqual({ cursor: 'c' });
    expect(ZDriftQuery.parse({ connection: ID, kind: 'provider_deleted' })).toEqual({ connection: ID, kind: 'provider_deleted' });
  });

  it('offers fixes only for the fixable kinds, with the hash of what was seen', () => {
    const seen = 'a'.repeat(64);
    expect(ZDriftFix.safeParse({ secretId: ID, kind: 'tags_mismatch', seen }).success).toBe(true);
    expect(ZDriftFix.safeParse({ secretId: ID, kind: 'provider_missing', seen }).success).toBe(false);
    expect(ZDriftFix.safeParse({ secretId: ID, kind: 'tags_mismatch', seen: 'stale' }).success).toBe(false);
  });
});
