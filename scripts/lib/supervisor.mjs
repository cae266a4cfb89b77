// Keeps `npm start`'s child processes running: each child (the server, the worker, the
// embedded PostgreSQL) is started again when it dies, after a delay that doubles from
// `initialDelayMs` to `maxDelayMs` while it keeps failing and starts over once a run has
// lasted `stableMs`. A child that fails `maxFailures` times in a row without ever having
// had a stable run is given up on (a configuration error does not loop forever):
// `onGiveUp` decides what happens then (npm start stops everything). One that has run
// stably is restarted for as long as it takes (a long database outage must not end the
// server that tells users about it). `stop()` stops the children layer by layer,
// the highest layer first (the apps before the database they use): each gets its stop
// signal, `stopTimeoutMs` to exit, then its force signal.
//
// One log line per restart: which child, how its run ended, the restart number, the delay.

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */

const exited = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** Resolves true when `promise` settles within `ms`, false otherwise. */
const within = (promise, ms) => {
  let timer;
  return Promise.race([promise.then(() => true), new Promise((resolve) => (timer = setTimeout(() => resolve(false), ms)))]).finally(() => clearTimeout(timer));
};

const ending = (code, signal) => (signal ? `killed by ${signal}` : `exit code ${code}`);

export class Supervisor {
  /**
   * @param {{ initialDelayMs?: number, maxDelayMs?: number, stableMs?: number, maxFailures?: number,
   *   log?: (line: string) => void, onGiveUp?: (name: string) => void }} [options]
   */
  constructor({ initialDelayMs = 1000, maxDelayMs = 30_000, stableMs = 60_000, maxFailures = 8, log = console.error, onGiveUp = () => {} } = {}) {
    Object.assign(this, { initialDelayMs, maxDelayMs, stableMs, maxFailures, log, onGiveUp });
    /** @type {Set<any>} */
    this.children = new Set();
    this.stopping = false;
    // Nothing outlives this process: children still running when it exits (an uncaught
    // error, process.exit) get their force signal. Children are detached (see start()).
    this.onExit = () => {
      for (const entry of this.children) if (entry.child && entry.child.exitCode === null) entry.child.kill(entry.forceSignal);
    };
    process.on('exit', this.onExit);
  }

  /**
   * Starts a child and supervises it. Resolves once its first run is ready (`ready`, if
   * given, resolved); rejects, without restarting it, if that first run exits or `ready`
   * fails: a child that cannot start at all is the caller's error to report.
   *
   * @param {{ name: string, spawn: () => ChildProcess, ready?: (child: ChildProcess) => Promise<void>,
   *   layer?: number, stopSignal?: NodeJS.Signals, forceSignal?: NodeJS.Signals, stopTimeoutMs?: number }} spec
   *   `spawn` must start the process detached (its own process group), so that a terminal's
   *   Ctrl-C reaches only the supervising process, which stops the children in order.
   */
  async start({ name, spawn, ready, layer = 1, stopSignal = 'SIGTERM', forceSignal = 'SIGKILL', stopTimeoutMs = 10_000 }) {
    if (this.stopping) throw new Error(`not starting ${name}: stopping`);
    // `starting`: the first run, until ready; its end is reported to the caller, not restarted.
    const entry = {
      name,
      spawn,
      ready,
      layer,
      stopSignal,
      forceSignal,
      stopTimeoutMs,
      starting: Boolean(ready),
      child: undefined,
      timer: undefined,
      restarts: 0,
      failures: 0,
      delayMs: this.initialDelayMs,
    };
    this.children.add(entry);
    const child = this.#run(entry);
    const firstExit = new Promise((resolve) => child.once('exit', (code, signal) => resolve(ending(code, signal))));
    if (!ready) return;
    const outcome = await Promise.race([
      ready(child).then(
        () => null,
        (error) => (error instanceof Error ? error.message : String(error)),
      ),
      firstExit.then((how) => `it ended (${how})`),
    ]);
    if (outcome !== null) {
      this.children.delete(entry);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(forceSignal);
        await exited(child);
      }
      throw new Error(`${name} did not start: ${outcome}`);
    }
    entry.starting = false;
  }

  #run(entry) {
    const startedAt = Date.now();
    const child = entry.spawn();
    entry.child = child;
    // A failed spawn (ENOENT, EACCES) emits 'error' and no 'exit': count it as an exit. The
    // listener stays, so that no later 'error' (a failed kill) goes unhandled.
    child.on('error', (error) => {
      if (child.pid === undefined) child.emit('exit', null, null, error);
    });
    child.once('exit', (code, signal, spawnError) => {
      if (entry.child === child) entry.child = undefined;
      if (this.stopping || entry.starting || !this.children.has(entry)) return;
      const how = spawnError ? `could not run: ${spawnError.message}` : ending(code, signal);
      if (Date.now() - startedAt >= this.stableMs) {
        // It ran long enough: whatever ended it was not a failure to start.
        entry.failures = 0;
        entry.everStable = true;
        entry.delayMs = this.initialDelayMs;
      } else {
        entry.failures++;
      }
      if (entry.failures >= this.maxFailures && !entry.everStable) {
        this.log(`[supervisor] ${entry.name} ended (${how}) ${entry.failures} times in a row, each within ${this.stableMs / 1000} s of starting: giving up`);
        this.children.delete(entry);
        this.onGiveUp(entry.name);
        return;
      }
      entry.restarts++;
      const delay = entry.delayMs;
      entry.delayMs = Math.min(entry.delayMs * 2, this.maxDelayMs);
      this.log(`[supervisor] ${entry.name} ended (${how}); restart #${entry.restarts} in ${delay / 1000} s`);
      entry.timer = setTimeout(() => this.#restart(entry), delay);
    });
    return child;
  }

  #restart(entry) {
    entry.timer = undefined;
    if (this.stopping) return;
    const child = this.#run(entry);
    entry.ready?.(child).then(
      () => this.log(`[supervisor] ${entry.name} is back (restart #${entry.restarts})`),
      // Its exit (which follows) is what counts; a run that stays up unready is left alone.
      () => {},
    );
  }

  /** Stops one child: its stop signal, then its force signal after its time is up. */
  async #stopOne(entry, force) {
    clearTimeout(entry.timer);
    const child = entry.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(force ? entry.forceSignal : entry.stopSignal);
    if (force || (await within(exited(child), entry.stopTimeoutMs))) return exited(child);
    this.log(`[supervisor] ${entry.name} did not stop within ${entry.stopTimeoutMs / 1000} s: sending ${entry.forceSignal}`);
    child.kill(entry.forceSignal);
    if (entry.forceSignal !== 'SIGKILL' && !(await within(exited(child), 5000))) child.kill('SIGKILL');
    return exited(child);
  }

  /**
   * Stops every child, layer by layer from the highest, and resolves when all have exited.
   * `force` (a second Ctrl-C) sends every child its force signal at once.
   */
  async stop({ force = false } = {}) {
    this.stopping = true;
    const layers = [...new Set([...this.children].map((entry) => entry.layer))].sort((a, b) => b - a);
    if (force) {
      await Promise.all([...this.children].map((entry) => this.#stopOne(entry, true)));
    } else {
      for (const layer of layers) {
        await Promise.all([...this.children].filter((entry) => entry.layer === layer).map((entry) => this.#stopOne(entry, false)));
      }
    }
    process.off('exit', this.onExit);
  }
}
