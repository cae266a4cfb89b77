// The react/react#37288 workaround (flight-abort-reason.mjs): still needed by the React
// Next ships, still applied to its renders, and what it is for: finished renders collectable.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RENDER_COMPLETED } from './flight-abort-reason.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(import.meta.url);

type FixtureResult = { renders: number; reachable: number; aborted: boolean; reason: string };

/** 200 Flight renders in a child process, with or without the workaround, then a forced GC. */
async function renderInChild(withWorkaround: boolean): Promise<FixtureResult> {
  const preload = withWorkaround ? ['--import', path.join(here, 'flight-abort-reason.mjs')] : [];
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--conditions=react-server',
    '--expose-gc',
    ...preload,
    path.join(here, 'flight-abort-reason.fixture.mjs'),
  ]);
  return JSON.parse(stdout) as FixtureResult;
}

describe('the Flight abort-reason workaround', () => {
  // Next's production page runtimes bundle React: when this fails, React no longer aborts
  // finished renders with that Error (react/react#37289 shipped, or the code moved), so
  // the workaround no longer applies: delete it (or adapt it and re-measure).
  it.each(['app-page-turbo.runtime.prod.js', 'app-page.runtime.prod.js'])('matches the abort React does in next-server/%s', (runtime) => {
    const source = readFileSync(require.resolve(`next/dist/compiled/next-server/${runtime}`), 'utf8');
    expect(source).toContain(`cacheController.abort(Error("${RENDER_COMPLETED}"))`);
  });

  it('without it, finished renders stay reachable after GC (the upstream bug is still there)', async () => {
    const { renders, reachable, reason } = await renderInChild(false);
    expect(reason).toBe('Error');
    expect(reachable).toBeGreaterThanOrEqual(renders / 20);
  });

  it('with it, a finished render aborts its cacheSignal with the message and is collectable', async () => {
    const { reachable, aborted, reason } = await renderInChild(true);
    expect(aborted).toBe(true);
    expect(reason).toBe('string');
    expect(reachable).toBeLessThanOrEqual(2);
  });

  it('leaves every other abort reason as it was', async () => {
    await import('./flight-abort-reason.mjs');
    const other = new Error('client went away');
    const controller = new AbortController();
    controller.abort(other);
    expect(controller.signal.reason).toBe(other);
    const finished = new AbortController();
    finished.abort(new Error(RENDER_COMPLETED));
    expect(finished.signal.reason).toBe(RENDER_COMPLETED);
  });
});
