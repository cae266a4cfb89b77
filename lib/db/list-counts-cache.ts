// Counting the rows behind an inventory view means visiting every matching row (tens of
// milliseconds at 100,000 secrets) while the page of rows itself is an index range of
// 50. Every list render would pay that, so counts are kept per view for a few seconds.
// Writes made by this process drop the whole cache at once; other instances see them
// within COUNTS_TTL_MS. Rows on the page are never cached.
import 'server-only';

const COUNTS_TTL_MS = 10_000;
const MAX_VIEWS = 500;

type Entry<T> = { value: Promise<T>; expires: number };
const entries = new Map<string, Entry<unknown>>();

/** The cached counts for `key`, computing them (once, even for concurrent callers) when stale. */
export function cachedCounts<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key) as Entry<T> | undefined;
  if (hit && hit.expires > now) return hit.value;
  const value = compute();
  entries.set(key, { value, expires: now + COUNTS_TTL_MS });
  value.catch(() => entries.delete(key));
  if (entries.size > MAX_VIEWS) entries.delete(entries.keys().next().value!);
  return value;
}

/** Call after any write to secrets or their consumers. */
export function invalidateListCounts(): void {
  entries.clear();
}

/** Passes a write's result through after dropping the cached counts (`.then(invalidatingListCounts)`). */
export function invalidatingListCounts<T>(result: T): T {
  invalidateListCounts();
  return result;
}
