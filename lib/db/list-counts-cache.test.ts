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

  it('after the time to live, serves the expired counts while one caller recomputes them', async () => {
    vi.useFakeTimers();
    try {
      const cache = createListCountsCache(async () => ({ generation: 1n, settled: true }));
      let total = 1;
      const compute = vi.fn(async () => total);
      expect(await cache.cachedCounts('view-d', compute)).toBe(1);
      vi.advanceTimersByTime(10_001);
      total = 2;
      // The recompute starts; these callers get the expired entry rather than waiting.
      expect(await Promise.all([cache.cachedCounts('view-d', compute), cache.cachedCounts('view-d', compute)])).toEqual([1, 1]);
      expect(compute).toHaveBeenCalledTimes(2);
      await Promise.resolve();
      expect(await cache.cachedCounts('view-d', compute)).toBe(2);
      expect(compute).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('recomputes before answering once an entry is long expired, or a failed recompute left it', async () => {
    vi.useFakeTimers();
    try {
      const cache = createListCountsCache(async () => ({ generation: 1n, settled: true }));
      let total = 1;
      const compute = vi.fn(async () => total);
      await cache.cachedCounts('view-e', compute);
      vi.advanceTimersByTime(20_001);
      total = 2;
      expect(await cache.cachedCounts('view-e', compute)).toBe(2);

      vi.advanceTimersByTime(10_001);
      const failing = vi.fn(async () => Promise.reject(new Error('db down')));
      expect(await cache.cachedCounts('view-e', failing)).toBe(2);
      await Promise.resolve();
      total = 3;
      // Still expired after the failure: the next caller tries again.
      expect(await cache.cachedCounts('view-e', compute)).toBe(2);
      await Promise.resolve();
      expect(await cache.cachedCounts('view-e', compute)).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
