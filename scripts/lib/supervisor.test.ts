// The supervisor behind `npm start`, with real child processes (small node scripts):
// restarts with growing delays, giving up on a child that never stays up, stopping layer
// by layer, and killing a child that ignores SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, type ChildSpec } from './supervisor.mjs';

/** A node child running `code`, detached as npm start's children are, its stdout piped. */
const node = (code: string) => () => spawn(process.execPath, ['-e', code], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });

/** Resolves when the child has printed "ready" (its signal handlers are in place). */
const printsReady = (child: ChildProcess) =>
  new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', () => reject(new Error('exited before ready')));
  });

const until = async (condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Has `supervisor` start a child that ignores SIGTERM, so only its force signal ends it; resolves to that child. */
async function startIgnoringSigterm(supervisor: Supervisor, name: string, stopTimeoutMs: number): Promise<ChildProcess> {
  let child: ChildProcess | undefined;
  await supervisor.start({
    name,
    stopTimeoutMs,
    ready: printsReady,
    spawn: () => (child = node("process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)")()),
  });
  return child!;
}

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop({ force: true });
  supervisor = undefined;
});

describe('Supervisor', () => {
  it('restarts a crashing child with doubling delays up to the cap, one log line per restart', async () => {
    const lines: string[] = [];
    const starts: number[] = [];
    supervisor = new Supervisor({ initialDelayMs: 100, maxDelayMs: 400, stableMs: 10_000, maxFailures: 20, log: (l) => lines.push(l) });
    const crash = node('process.exit(3)');
    await supervisor.start({ name: 'crasher', spawn: () => (starts.push(Date.now()), crash()) });
    await until(() => starts.length >= 5);
    expect(lines.slice(0, 4)).toEqual([
      '[supervisor] crasher ended (exit code 3); restart #1 in 0.1 s',
      '[supervisor] crasher ended (exit code 3); restart #2 in 0.2 s',
      '[supervisor] crasher ended (exit code 3); restart #3 in 0.4 s',
      '[supervisor] crasher ended (exit code 3); restart #4 in 0.4 s',
    ]);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    [100, 200, 400, 400].forEach((delay, i) => expect(gaps[i]).toBeGreaterThanOrEqual(delay));
  });

  it('names the signal that killed a child, and starts the delay over after a stable run', async () => {
    const lines: string[] = [];
    let runs = 0;
    supervisor = new Supervisor({ initialDelayMs: 50, maxDelayMs: 1000, stableMs: 300, log: (l) => lines.push(l) });
    // Each run lasts longer than stableMs, then is killed.
    await supervisor.start({ name: 'steady', spawn: () => (runs++, node("setTimeout(() => process.kill(process.pid, 'SIGKILL'), 400)")()) });
    await until(() => runs >= 3);
    expect(lines.slice(0, 2)).toEqual([
      '[supervisor] steady ended (killed by SIGKILL); restart #1 in 0.05 s',
      '[supervisor] steady ended (killed by SIGKILL); restart #2 in 0.05 s',
    ]);
  });

  it('gives up on a child that keeps failing at start, and says so', async () => {
    const lines: string[] = [];
    let gaveUp: string | undefined;
    supervisor = new Supervisor({ initialDelayMs: 20, maxFailures: 3, log: (l) => lines.push(l), onGiveUp: (name) => (gaveUp = name) });
    await supervisor.start({ name: 'misconfigured', spawn: node('process.exit(1)') });
    await until(() => gaveUp !== undefined);
    expect(gaveUp).toBe('misconfigured');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/misconfigured ended \(exit code 1\) 3 times in a row.*giving up/);
  });

  it('never gives up on a child that once ran stably (a long outage must not end npm start)', async () => {
    const lines: string[] = [];
    let gaveUp: string | undefined;
    let runs = 0;
    supervisor = new Supervisor({
      initialDelayMs: 10,
      maxDelayMs: 10,
      stableMs: 300,
      maxFailures: 2,
      log: (l) => lines.push(l),
      onGiveUp: (name) => (gaveUp = name),
    });
    // The first run lasts past stableMs; every later one fails at once.
    await supervisor.start({ name: 'worker', spawn: () => (runs++ === 0 ? node('setTimeout(() => process.exit(1), 400)') : node('process.exit(1)'))() });
    await until(() => runs >= 6);
    expect(gaveUp).toBeUndefined();
    expect(lines.every((l) => !l.includes('giving up'))).toBe(true);
  });

  it('rejects, without restarting, a child whose first run is never ready', async () => {
    let runs = 0;
    supervisor = new Supervisor({ initialDelayMs: 20 });
    await expect(supervisor.start({ name: 'database', spawn: () => (runs++, node('process.exit(2)')()), ready: printsReady })).rejects.toThrow(
      'database did not start: it ended (exit code 2)',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runs).toBe(1);
  });

  it('stops the apps first, then the database under them, and restarts nothing', async () => {
    const exits: Array<{ name: string; at: number; signal: string | null }> = [];
    let spawned = 0;
    const spec = (name: string, layer: number, code: string): ChildSpec => ({
      name,
      layer,
      ready: printsReady,
      spawn: () => {
        spawned++;
        const child = node(code)();
        child.once('exit', (_code, signal) => exits.push({ name, at: Date.now(), signal }));
        return child;
      },
    });
    // The apps take a moment to drain after SIGTERM; the database exits on SIGINT at once.
    const app = "process.on('SIGTERM', () => setTimeout(() => process.exit(0), 300)); console.log('ready'); setInterval(() => {}, 1000)";
    const db = "process.on('SIGINT', () => process.exit(0)); console.log('ready'); setInterval(() => {}, 1000)";
    supervisor = new Supervisor({ initialDelayMs: 10 });
    await supervisor.start({ ...spec('database', 0, db), stopSignal: 'SIGINT' });
    await supervisor.start(spec('server', 1, app));
    await supervisor.start(spec('worker', 1, app));
    await supervisor.stop();
    expect(exits.map((e) => e.name).sort()).toEqual(['database', 'server', 'worker']);
    const at = Object.fromEntries(exits.map((e) => [e.name, e.at]));
    expect(at.database).toBeGreaterThanOrEqual(Math.max(at.server, at.worker));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(spawned).toBe(3);
  });

  it('kills a child that ignores SIGTERM once its stop time is up', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor({ log: (l) => lines.push(l) });
    const child = await startIgnoringSigterm(supervisor, 'stubborn', 500);
    const startedStop = Date.now();
    await supervisor.stop();
    expect(Date.now() - startedStop).toBeGreaterThanOrEqual(500);
    expect(child.signalCode).toBe('SIGKILL');
    expect(lines).toEqual(['[supervisor] stubborn did not stop within 0.5 s: sending SIGKILL']);
  });

  it('forces a stop in progress (a second Ctrl-C): every child gets its force signal at once', async () => {
    supervisor = new Supervisor();
    const child = await startIgnoringSigterm(supervisor, 'slow', 30_000);
    const startedStop = Date.now();
    const gentle = supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await supervisor.stop({ force: true });
    await gentle;
    expect(Date.now() - startedStop).toBeLessThan(5000);
    expect(child.signalCode).toBe('SIGKILL');
  });
});
