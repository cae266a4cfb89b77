// Counting the rows behind an inventory view means visiting every matching row (tens of
// milliseconds at 100,000 secrets) while the page of rows itself is an index range of
// 50. Every list render would pay that, so counts are kept per view. Rows on the page are
// never cached.
//
// Coherent across instances: every entry is keyed by the database's list counts
// generation, a sequence that triggers move forward with every statement that changes
// what the counts read (prisma/migrations/*_list_counts_generation). Each lookup reads it
// first (one short statement, alongside the page statement; concurrent requests share
// reads: lib/db/coalesced-read.ts), so a write on any instance is seen on the next
// request, never after a delay. Moving a sequence is not transactional, so the same
// statement tells whether a writer is still between moving it and committing (the
// writers' shared advisory lock is taken): counts computed then may miss that write, and
// are served but not stored. Stored counts are read after the generation they are keyed
// by, once every change up to it had committed; so they stay right to serve while a
// later writer is in flight (its commit moves the generation on).
//
// Shared between viewers only through the key: the caller's key must identify the
// counts statement completely (its text and values, lib/data/sql/secret-list.ts), so
// any restriction of what a caller may count is part of it and two callers share an
// entry only when they would run the very same statement.
//
// Counts also depend on the clock (overdue, due soon), which no write moves: an entry is
// still recomputed after COUNTS_TTL_MS. Meanwhile (for at most another COUNTS_TTL_MS) the
// expired entry is still served: one request recomputes it, and the others do not all
// wait for a count that takes hundreds of milliseconds at 100,000 secrets only to learn
// that a few more became overdue. Only the clock can have moved them: a write moves the
// generation, and an entry of an older generation is never served.
import 'server-only';
import type { PrismaClient } from '@/generated/prisma/client';
import { db } from '@/lib/db';
import { coalescedRead } from './coalesced-read';

const COUNTS_TTL_MS = 10_000;
const MAX_VIEWS = 500;

type Entry<T> = { value: Promise<T>; expires: number; refreshing?: boolean };
/** The generation now, and whether every change up to it has committed (no writer holds the lock). */
type Generation = { generation: bigint; settled: boolean };
type GenerationReader = () => Promise<Generation>;

/** Writers hold it shared from moving the generation until they commit (the migration's trigger). */
const WRITERS_LOCK = 727_003;

/** The list counts generation as `client` sees it now. */
export async function readListCountsGeneration(client: Pick<PrismaClient, '$queryRaw'>): Promise<Generation> {
  // Taken for this one statement (released when it ends), it only tests whether a writer
  // holds the lock: a writer arriving meanwhile waits those microseconds.
  const rows = await client.$queryRaw<Generation[]>`
    SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS generation,
           pg_try_advisory_xact_lock(${WRITERS_LOCK}) AS settled
    FROM list_counts_generation`;
  return rows[0];
}

/** A counts cache whose entries are keyed by the generation `readGeneration` returns. */
export function createListCountsCache(readGeneration: GenerationReader) {
  const entries = new Map<string, Entry<unknown>>();
  let newest = -1n;

  /** The cached counts for `key` at the current generation, computing them (once, even for concurrent callers) when missing or stale. */
  async function cachedCounts<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const { generation, settled } = await readGeneration();
    // Entries of older generations can no longer be hit: free them.
    if (generation > newest) {
      entries.clear();
      newest = generation;
    }
    const now = Date.now();
    const fullKey = `${generation}:${key}`;
    const hit = entries.get(fullKey) as Entry<T> | undefined;
    if (hit && hit.expires > now) return hit.value;
    if (hit && settled && now - hit.expires < COUNTS_TTL_MS) {
      if (!hit.refreshing) refresh(fullKey, hit, compute());
      return hit.value;
    }
    const value = compute();
    if (!settled) return value;
    entries.set(fullKey, { value, expires: now + COUNTS_TTL_MS });
    value.catch(() => entries.delete(fullKey));
    if (entries.size > MAX_VIEWS) entries.delete(entries.keys().next().value!);
    return value;
  }

  /** Replaces an expired entry once its recomputed `value` is in (a failure leaves it, to be tried again). */
  function refresh<T>(fullKey: string, stale: Entry<T>, value: Promise<T>): void {
    stale.refreshing = true;
    value.then(
      () => {
        if (entries.get(fullKey) === stale) entries.set(fullKey, { value, expires: Date.now() + COUNTS_TTL_MS });
      },
      () => {
        stale.refreshing = false;
      },
    );
  }

  /** Frees this process's entries at once (the generation already keeps every instance's entries current). */
  function invalidate(): void {
    entries.clear();
  }

  return { cachedCounts, invalidate };
}

// Concurrent requests share generation reads (never one begun before they arrived).
const shared = createListCountsCache(coalescedRead(() => readListCountsGeneration(db)));

/** The server's counts cache: see createListCountsCache. */
export const cachedCounts = shared.cachedCounts;

/** After this process's own writes: frees the entries they made unreachable (the generation already did the rest). */
export function invalidateListCounts(): void {
  shared.invalidate();
}

/** Passes a write's result through after dropping the cached counts (`.then(invalidatingListCounts)`). */
export function invalidatingListCounts<T>(result: T): T {
  invalidateListCounts();
  return result;
}
