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

/**
 * A page from rows fetched with LIMIT size + 1: the extra row only tells that there is
 * a next page, whose cursor is made from the last row shown.
 */
export function keysetPage<R, T>(rows: R[], size: number, toItem: (row: R) => T, cursorOf: (last: R) => string): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > size && last ? cursorOf(last) : null };
}
