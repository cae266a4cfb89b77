// Ids arrive from URLs and forms; a malformed one should match nothing, not raise a
// database error that would surface as a 500.
import { z } from 'zod';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export function isUuid(id: string): boolean {
  return UUID_RE.test(id);
}

export function uuidOrNil(id: string): string {
  return isUuid(id) ? id : NIL_UUID;
}

/**
 * An id argument of a server action: a string of at most 100 characters, else `message`
 * (what the page says of an id that matches nothing, e.g. 'This secret does not exist.').
 */
export const actionId = (message: string) => z.string({ error: message }).min(1, { error: message }).max(100, { error: message });
