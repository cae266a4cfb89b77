import { describe, expect, it, vi } from 'vitest';
import { cachedCounts, createListCountsCache, invalidateListCounts, invalidatingListCounts } from './list-counts-cache';

// The server's cache reads the generation through the database client: a fixed one here.
vi.mock('@/lib/db', () => ({ db: { $queryRaw: async () => [{ generation: 1n, settled: true }] } }));

describe('list counts cache', () => {
  it('computes once per view for concurrent and later callers until a write invalidates it', async () => {
    const compute = vi.fn(async () => ({ total: 3 }));
    const [a, b] = await Promise.all([cachedCounts('view-a', compute), cachedCounts('view-a', compute)]);
    expect(a).toEqual({ total: 3 });
    expect(b).toBe(a);
    await cachedCounts('view-a', compute);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(invalidatingListCounts('write result')).toBe('write result');
    await cachedCounts('view-a', compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('recomputes when the generation moves (a write on any instance), and not before', async () => {
    let generation = 5n;
    const cache = createListCountsCache(async () => ({ generation, settled: true }));
    const compute = vi.fn(async () => ({ total: 3 }));
    await cache.cachedCounts('view-a', compute);
    await cache.cachedCounts('view-a', compute);
    expect(compute).toHaveBeenCalledTimes(1);
    generation = 6n;
    await cache.cachedCounts('view-a', compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('serves but does not store counts computed while a writer has not committed', async () => {
    let settled = false;
    const cache = createListCountsCache(async () => ({ generation: 1n, settled }));
    const compute = vi.fn(async () => ({ total: 3 }));
    await cache.cachedCounts('view-a', compute);
    settled = true;
    await cache.cachedCounts('view-a', compute);
    await cache.cachedCounts('view-a', compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('keeps views apart and never caches a failure', async () => {
    invalidateListCounts();
    const failing = vi.fn(async () => Promise.reject(new Error('db down')));
    await expect(cachedCounts('view-b', failing)).rejects.toThrow('db down');
    await Promise.resolve();
    const ok = vi.fn(async () => 7);
    expect(await cachedCounts('view-b', ok)).toBe(7);
    expect(await cachedCounts('view-c', async () => 8)).toBe(8);
  });

  it('recomputes after the time to live', async () => {
    vi.useFakeTimers();
    try {
      const compute = vi.fn(async () => 1);
      await cachedCounts('view-d', compute);
      vi.advanceTimersByTime(10_001);
      await cachedCounts('view-d', compute);
      expect(compute).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
