// What the tests that run the app's own processes (the worker, the audit CLIs) share. A
// child gets only the environment listed here plus what its test adds, never the test
// runner's whole environment, so no ambient setting or credential reaches it. A worker
// counts as up once it logs "worker started".
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** The checkout the processes run in (scripts/, package.json). */
export const appRoot = path.resolve(__dirname, '../..');

/** The least a process of the app needs (programs, the database, the keys every replica shares), plus `extra`. */
export function appProcessEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: process.env.DATABASE_URL,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET,
    VALUE_FINGERPRINT_PEPPER: process.env.VALUE_FINGERPRINT_PEPPER,
    AUDIT_SIGNING_KEY: process.env.AUDIT_SIGNING_KEY,
    ...extra,
  } as unknown as NodeJS.ProcessEnv;
}

export type StartedWorker = {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output: () => string;
  /** Its exit code once it exits. */
  exited: Promise<number | null>;
};

/** Spawns a worker and waits until it has started; one that exits first, or is not up within `timeoutMs`, fails with its output. */
export async function startWorker(command: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<StartedWorker> {
  const child = spawn(command[0], command.slice(1), { cwd: appRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code: number | null) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!output.includes('"worker started"')) {
    if (child.exitCode !== null) throw new Error(`the worker exited while starting:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the worker did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output, exited };
}
