// Opaque keyset cursors: the last row's sort value and id, base64url-encoded JSON.
// A cursor that does not decode is treated as "first page", never as an error.
import { z } from 'zod';

const ZCursor = z.tuple([z.string().nullable(), z.uuid()]);

export type Cursor = { value: string | null; id: string };

export function encodeCursor(value: string | null, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

export function decodeCursor(text: string | undefined): Cursor | null {
  if (!text) return null;
  try {
    const [value, id] = ZCursor.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return { value, id };
  } catch {
    return null;
  }
}
