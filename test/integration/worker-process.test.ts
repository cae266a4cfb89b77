// The worker as the separate process deployments run: `npm run worker` (node with tsx's
// loader and the react-server condition, so '@/…' paths and 'server-only' resolve; not the
// tsx command, whose signal relay could kill a worker still draining its jobs) and the bundle the
// Docker image runs with plain node. Each must start against a real database, schedule
// its jobs, and stop cleanly on SIGTERM.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const root = path.resolve(__dirname, '../..');

async function runUntilStarted(command: string[]): Promise<{ code: number | null; output: string; schedules: string[] }> {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(command[0], command.slice(1), {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: process.env.DATABASE_URL,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET,
      LOG_LEVEL: 'info',
    } as unknown as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code: number | null) => resolve(code)));
  const deadline = Date.now() + 45_000;
  while (!output.includes('"worker started"')) {
    if (child.exitCode !== null) throw new Error(`the worker exited while starting:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the worker did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const schedules = (await db.$queryRaw<{ name: string }[]>`SELECT name FROM pgboss.schedule ORDER BY name`).map((r) => r.name);
  child.kill('SIGTERM');
  return { code: await exited, output, schedules };
}

describe('worker process', () => {
  it('`npm run worker` starts, schedules its jobs and stops on SIGTERM', async () => {
    const script = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.worker as string;
    expect(script).toBe('node --conditions=react-server --import tsx scripts/worker.ts');
    const result = await runUntilStarted([process.execPath, ...script.split(' ').slice(1)]);
    expect(result.schedules).toEqual(['access-ingest', 'audit-verify', 'health-snapshot', 'notification-sweep', 'rotation-tick', 'signed-out-denials']);
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
