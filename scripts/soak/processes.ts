// The soak's own processes: the app's server (scripts/server.mjs, as npm start runs it) and
// a worker (scripts/worker.ts), each a child that can be killed and started again, and
// the server's resident memory from /proc/<pid>/status.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { serverNodeFlags } from '../lib/server-node-flags.mjs';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VmRSS of a process in MB, or null when it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resolves when the child has exited (at once if it already has), with its signal or code. */
export function exited(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(String(child.signalCode ?? child.exitCode));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(String(signal ?? code))));
}

/** A child process whose output goes to a log file (appended across restarts). */
function startLogged(root: string, args: string[], env: NodeJS.ProcessEnv, log: WriteStream): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  return child;
}

export class AppServer {
  child: ChildProcess | undefined;
  readonly base: string;
  #log: WriteStream;

  constructor(
    private root: string,
    private port: number,
    private env: NodeJS.ProcessEnv,
    logFile: string,
  ) {
    this.base = `http://localhost:${port}`;
    this.#log = createWriteStream(logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts the server (with extra settings, e.g. a crash point) and waits until /api/health
   * answers 200. With `mayDie`, a server that exits before that counts as started: one
   * with a crash point may meet its first value write before the health check does.
   */
  async start(extra: Record<string, string> = {}, { mayDie = false, timeoutMs = 120_000 } = {}): Promise<void> {
    this.#log.write(`--- server start ${new Date().toISOString()} ${JSON.stringify(extra)}\n`);
    const child = startLogged(
      this.root,
      [...serverNodeFlags(), path.join(this.root, 'scripts/server.mjs'), '--hostname', 'localhost'],
      { ...this.env, ...extra, PORT: String(this.port) },
      this.#log,
    );
    this.child = child;
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (child.exitCode !== null || child.signalCode !== null) {
        if (mayDie) return;
        throw new Error('the server exited while starting (see its log)');
      }
      if (await healthy(this.base)) return;
      await sleep(250);
    }
    throw new Error(`the server did not become healthy in ${timeoutMs / 1000} s`);
  }

  /** Stops the server: SIGTERM (graceful) or SIGKILL; resolves once it is gone. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<string | undefined> {
    const child = this.child;
    if (!child) return undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const how = await exited(child);
    if (this.child === child) this.child = undefined;
    return how;
  }

  close() {
    this.#log.end();
  }
}

/** The worker, restarted whenever it exits until `stop` (as npm start does), counting restarts. */
export class Worker {
  child: ChildProcess | undefined;
  restarts = 0;
  #stopping = false;
  #log: WriteStream;

  constructor(
    private root: string,
    private env: NodeJS.ProcessEnv,
    logFile: string,
  ) {
    this.#log = createWriteStream(logFile, { flags: 'a' });
  }

  start() {
    this.#log.write(`--- worker start ${new Date().toISOString()}\n`);
    const child = startLogged(this.root, ['--conditions=react-server', '--import', 'tsx', path.join(this.root, 'scripts/worker.ts')], this.env, this.#log);
    this.child = child;
    child.once('exit', () => {
      if (this.#stopping) return;
      this.restarts++;
      setTimeout(() => this.#stopping || this.start(), 1000);
    });
  }

  async stop() {
    this.#stopping = true;
    const child = this.child;
    if (child) {
      child.kill('SIGTERM');
      await Promise.race([exited(child), sleep(40_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    this.#log.end();
  }
}

export async function healthy(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Waits until the server answers healthy; false after `timeoutMs`. */
export async function untilHealthy(base: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await healthy(base)) return true;
    await sleep(500);
  }
  return false;
}
