// secretlint's process-wide profiler kept every performance mark of every lintSource and
// searched them linearly per mark: a long scan (or a long-running server) slowed down and
// grew without bound. patterns.ts turns its marks off; this holds it there.
import { performance } from 'node:perf_hooks';
import { secretLintProfiler } from '@secretlint/profiler';
import { describe, expect, it } from 'vitest';
import { patternHits } from './patterns';

describe('pattern rules over many units', () => {
  it('leave no performance marks behind', async () => {
    const before = performance.getEntriesByType('mark').length;
    let hits = 0;
    for (let i = 0; i < 200; i += 1) {
      const unit = { text: `line ${i}\nAWS_ACCESS_KEY_ID=AKIAZ7VRSQ5TJN2QWXYZ\n`, location: { path: `f${i}.env`, commit: null, authorDate: null } };
      hits += (await patternHits(unit)).length;
    }
    // Let the profiler's observer run, as it would between units.
    await new Promise((resolve) => setImmediate(resolve));
    expect(hits).toBeGreaterThanOrEqual(200);
    expect(performance.getEntriesByType('mark').length - before).toBe(0);
    expect(await secretLintProfiler.getEntries()).toHaveLength(0);
  });
});
