// LIKE/ILIKE patterns from user text: % and _ typed in a search box mean themselves.
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
