// What the list pages' URL state has in common: Next's searchParams read one value per
// parameter, the free-text search and the keyset cursor, and links that leave out what
// is not set (or is the default) so they stay short and shareable.
import { z } from 'zod';

/** Next's searchParams: a repeated parameter comes as an array. */
export type SearchParams = Record<string, string | string[] | undefined>;

/** An optional parameter; a malformed value counts as not given instead of failing the page. */
export const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** The search box (`q`): trimmed, and blank means no search. */
export const searchText = loose(
  z
    .string()
    .trim()
    .max(200)
    .transform((s) => s || undefined),
);

/** The keyset cursor of the page (`after`): opaque here, decoded by the list's SQL. */
export const afterCursor = loose(z.string().max(500));

/** The first of each repeated value, as the list queries read them. */
export function firstValues(params: SearchParams): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

/** The URL of `path` with `query`, leaving out empty values and those equal to `defaults`. */
export function listHref(path: string, query: Record<string, unknown>, defaults: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '' || value === defaults[key]) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Next's searchParams as the browser's URLSearchParams writes the search (what components/ui/fetched-view.tsx compares). */
export function searchOf(params: SearchParams): string {
  const pairs = Object.entries(params).flatMap(([key, value]) => [value ?? []].flat().map((v) => [key, v]));
  return new URLSearchParams(pairs).toString();
}
