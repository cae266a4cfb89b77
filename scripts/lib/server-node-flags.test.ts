import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serverNodeFlags } from './server-node-flags.mjs';

/** The heap limit a Node process started with `flags` (and `env`) runs under, in MB. */
function heapLimitMb(flags: string[], env: Record<string, string> = {}): number {
  const run = spawnSync(process.execPath, [...flags, '-e', 'console.log(require("v8").getHeapStatistics().heap_size_limit)'], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
  });
  return Number(run.stdout) / 1048576;
}

describe('the server process heap sizing', () => {
  it('caps the heap of a process started with it', () => {
    // heap_size_limit is the old space plus the young generation (three semi-spaces).
    expect(heapLimitMb(serverNodeFlags({}))).toBeGreaterThan(288);
    expect(heapLimitMb(serverNodeFlags({}))).toBeLessThan(400);
  });

  it("leaves either setting to the operator's NODE_OPTIONS", () => {
    const env = { NODE_OPTIONS: '--max-old-space-size=1024' };
    expect(serverNodeFlags(env)).toEqual(['--max-semi-space-size=32']);
    expect(heapLimitMb(serverNodeFlags(env), env)).toBeGreaterThan(1024);
  });
});
