// The app's production server (scripts/server.mjs, as npm start and the image run it) as a
// child process of a test, on a free loopback port, with only the environment it is given.
// It counts as up once /api/health/ready answers 200 (the database reachable and migrated).
// Needs the production build in .next (test/support/next-build.ts ensureBuild).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { serverNodeFlags } from '../../scripts/lib/server-node-flags.mjs';
import { appRoot } from './app-process';
import { freePort } from './free-port';

export type StartedServer = {
  /** `http://localhost:<port>`: next-auth compares host names, so never 127.0.0.1. */
  baseUrl: string;
  output: () => string;
  stop: () => Promise<void>;
};

export async function startServer(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<StartedServer> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    [...serverNodeFlags(), path.join(appRoot, 'scripts/server.mjs'), '--hostname', 'localhost'],
    { cwd: appRoot, env: { ...env, PORT: String(port), NEXTAUTH_URL: baseUrl, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited while starting:\n${output}`);
    const ready = await fetch(`${baseUrl}/api/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { baseUrl, output: () => output, stop };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server was not ready within ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
