// Which candidate fingerprints may be in the inventory, answered in memory: the first 8
// bytes of every stored fingerprint (secret_versions with a fingerprint, and
// provider_version_fingerprints) as one sorted BigUint64Array, searched by bisection. A
// leak scan fingerprints about 25,000 distinct candidates per MB, nearly none of them
// inventory values; only those whose prefix is here reach the exact lookup
// (lib/leak/match.ts), which checks the whole fingerprint and its key id. A prefix hit
// that is not a match (two fingerprints sharing 8 bytes: about one candidate in 2^64 /
// inventory size) only costs that lookup. Memory: 8 bytes per stored fingerprint, 800 KB
// at 100,000 versions, 8 MB at 1,000,000 (twice that for a moment while loading).
//
// Coherence, process-wide and across instances: triggers move fingerprint_changes.n
// forward in every transaction that inserts, re-fingerprints (UPDATE OF fingerprint),
// deletes or truncates stored fingerprints (prisma/migrations/*_fingerprint_changes).
// The filter is loaded with n by ONE statement, so both come from the same snapshot.
// Before each batch the matcher reads n again (one tiny statement) and reloads when it
// moved past the filter's. n is an ordinary row updated in the writer's transaction, so
// it is transactional: a new count becomes visible exactly when the fingerprints written
// with it do, at commit, and writers take turns on the row, so seeing n = k means every
// change up to k has committed. A filter whose n is at least the n just read therefore
// holds every fingerprint committed before that read; a value committed later (while the
// batch is being matched) is seen at the next batch, as a lookup that had started before
// its commit would not have seen it either. Removed fingerprints only leave stale prefixes
// (harmless) until the reload their removal also causes. While fingerprints keep changing,
// loads are spaced (RELOAD_INTERVAL_MS) and a stale filter is never used: the caller looks
// the batch up exactly instead.
import 'server-only';
import { endianness } from 'node:os';
import { Prisma } from '@/generated/prisma/client';
import { queryRows } from '@/lib/db';

export type FingerprintFilter = {
  /** fingerprint_changes.n when it was loaded. */
  readonly changes: bigint;
  /** Distinct stored prefixes. */
  readonly size: number;
  /** Whether a stored fingerprint starts with these 8 bytes: the first two big-endian 32-bit words, unsigned. */
  has(hi: number, lo: number): boolean;
};

// Element i of the BigUint64Array is the 32-bit words (HI, LO) at 2i + HI_AT, 2i + LO_AT of its Uint32Array view.
const LITTLE_ENDIAN = endianness() === 'LE';
const HI_AT = LITTLE_ENDIAN ? 1 : 0;
const LO_AT = LITTLE_ENDIAN ? 0 : 1;

/** A filter of the 8-byte prefixes concatenated in `prefixes` (any order, duplicates allowed). */
export function filterOfPrefixes(prefixes: Uint8Array, changes: bigint): FingerprintFilter {
  const count = Math.floor(prefixes.length / 8);
  const sorted = new BigUint64Array(count);
  const words = new Uint32Array(sorted.buffer);
  const view = new DataView(prefixes.buffer, prefixes.byteOffset, prefixes.byteLength);
  for (let i = 0; i < count; i++) {
    words[2 * i + HI_AT] = view.getUint32(8 * i);
    words[2 * i + LO_AT] = view.getUint32(8 * i + 4);
  }
  sorted.sort();
  // Duplicates (a version known to both tables, or under two keys) kept: bisection does not mind.
  return {
    changes,
    size: count,
    has(hi: number, lo: number): boolean {
      let low = 0;
      let high = count - 1;
      while (low <= high) {
        const mid = (low + high) >>> 1;
        const h = words[2 * mid + HI_AT];
        const l = words[2 * mid + LO_AT];
        if (h < hi || (h === hi && l < lo)) low = mid + 1;
        else if (h === hi && l === lo) return true;
        else high = mid - 1;
      }
      return false;
    },
  };
}

// Keyed by the database too: a process whose DATABASE_URL changes (tests: a database per file) must not keep another's filter.
type Changes = { database: string; n: bigint };
type Loaded = { database: string; filter: FingerprintFilter; at: number };
type Cache = { loaded?: Loaded; loading?: Promise<Loaded | null> };

/** The least time between two loads of the filter while fingerprints keep changing. */
const RELOAD_INTERVAL_MS = 1000;
let reloadIntervalMs = RELOAD_INTERVAL_MS;
const globalForFilter = globalThis as unknown as { __leakFingerprintFilter?: Cache };
const cache = (): Cache => (globalForFilter.__leakFingerprintFilter ??= {});

/** fingerprint_changes.n now; null when its row is missing (then no filter can be trusted). */
async function readChanges(): Promise<Changes | null> {
  const rows = await queryRows<{ n: string; database: string }>(
    Prisma.sql`SELECT n::text AS n, current_database()::text AS database FROM fingerprint_changes WHERE id = 1`,
  );
  return rows.length > 0 ? { database: rows[0].database, n: BigInt(rows[0].n) } : null;
}

/** The prefixes and n in one statement (one snapshot). */
async function load(): Promise<Loaded | null> {
  const rows = await queryRows<{ n: string | null; database: string; prefixes: Buffer | null }>(Prisma.sql`
    SELECT (SELECT n::text FROM fingerprint_changes WHERE id = 1) AS n, current_database()::text AS database,
           (SELECT string_agg(substring(f.fp FROM 1 FOR 8), decode('', 'hex'))
              FROM (SELECT fingerprint AS fp FROM secret_versions WHERE fingerprint IS NOT NULL
                    UNION ALL
                    SELECT fingerprint FROM provider_version_fingerprints) f
             WHERE length(f.fp) >= 8) AS prefixes`);
  const { n, database, prefixes } = rows[0];
  if (n === null) return null;
  return { database, filter: filterOfPrefixes(prefixes ?? new Uint8Array(0), BigInt(n)), at: Date.now() };
}

/**
 * The filter holding every fingerprint committed before this call (loaded again when
 * fingerprints changed since the last load); null when the caller must look every
 * fingerprint up exactly: the filter is stale and was loaded less than a second ago (or is
 * being loaded), or coherence cannot be checked (fingerprint_changes has no row).
 */
export async function currentFingerprintFilter(): Promise<FingerprintFilter | null> {
  const state = cache();
  const changes = await readChanges();
  if (changes === null) return null;
  const fresh = () => state.loaded?.database === changes.database && state.loaded.filter.changes === changes.n;
  if (fresh()) return state.loaded!.filter;
  // Stale. While fingerprints keep changing (a backfill writes one per version), loading the
  // whole filter before every batch would cost more than looking the batch up exactly
  // (0.1 s at 100,000 fingerprints, 0.4 s at 1,000,000, against 15-40 ms): within
  // reloadIntervalMs of the last load, or while one runs, the caller looks everything up.
  if (state.loaded?.database === changes.database && (state.loading || Date.now() - state.loaded.at < reloadIntervalMs)) return null;
  for (;;) {
    if (fresh()) return state.loaded!.filter;
    // Concurrent scans share one load. A load that had started before `changes` was read
    // may be older than it: then another follows. One started after it holds every
    // fingerprint committed before it.
    const joined = state.loading !== undefined;
    const loading = (state.loading ??= load()
      .then((loaded) => {
        if (loaded) state.loaded = loaded;
        return loaded;
      })
      .finally(() => {
        if (state.loading === loading) state.loading = undefined;
      }));
    const loaded = await loading;
    if (!loaded) return null;
    if (!joined) return loaded.filter;
  }
}

/** Forgets the loaded filter, and sets the least time between two loads while fingerprints change (tests). */
export function resetFingerprintFilter(minReloadIntervalMs = RELOAD_INTERVAL_MS): void {
  globalForFilter.__leakFingerprintFilter = {};
  reloadIntervalMs = minReloadIntervalMs;
}
