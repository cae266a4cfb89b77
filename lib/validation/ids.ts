// Ids arrive from URLs and forms; a malformed one should match nothing, not raise a
// database error that would surface as a 500.
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export function isUuid(id: string): boolean {
  return UUID_RE.test(id);
}

export function uuidOrNil(id: string): string {
  return isUuid(id) ? id : NIL_UUID;
}
