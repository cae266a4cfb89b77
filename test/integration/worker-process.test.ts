// The worker as the separate process deployments run: `npm run worker` (node with tsx's
// loader and the react-server condition, so '@/…' paths and 'server-only' resolve; not the
// tsx command, whose signal relay could kill a worker still draining its jobs) and the bundle the
// Docker image runs with plain node. Each must start against a real database, schedule
// its jobs, and stop cleanly on SIGTERM.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { appProcessEnv, appRoot as root, startWorker } from '../support/app-process';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

async function runUntilStarted(command: string[]): Promise<{ code: number | null; output: string; schedules: string[] }> {
  const { child, output, exited } = await startWorker(command, appProcessEnv({ LOG_LEVEL: 'info' }), 45_000);
  const schedules = (await db.$queryRaw<{ name: string }[]>`SELECT name FROM pgboss.schedule ORDER BY name`).map((r) => r.name);
  child.kill('SIGTERM');
  return { code: await exited, output: output(), schedules };
}

describe('worker process', () => {
  it('`npm run worker` starts, schedules its jobs and stops on SIGTERM', async () => {
    const script = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.worker as string;
    expect(script).toBe('node --conditions=react-server --import tsx scripts/worker.ts');
    const result = await runUntilStarted([process.execPath, ...script.split(' ').slice(1)]);
    expect(result.schedules).toEqual([
      'access-ingest',
      'audit-verify',
      'discovery-scan',
      'fingerprint-backfill',
      'health-snapshot',
      'notification-digest',
      'notification-sweep',
      'posture-refresh',
      'rotation-tick',
      'signed-out-denials',
    ]);
    expect(result.output).toContain('"worker stopped"');
    expect(result.code).toBe(0);
  }, 90_000);

  it('the bundle the image runs works with plain node and only runtime dependencies', async () => {
    const outfile = 'node_modules/.cache/secret-inventory-test/worker.mjs';
    const build = spawnSync(process.execPath, ['scripts/build-worker.mjs', outfile], { cwd: root, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    expect(build.stdout).toContain('pg-boss');
    const result = await runUntilStarted([process.execPath, path.join(root, outfile)]);
    expect(result.output).toContain('"worker stopped"');
    expect(result.code).toBe(0);
  }, 90_000);
});
