// Work that must happen within seconds of a crash, faster than pg-boss's one-minute cron:
// settling provider writes whose process died before recording them, resuming rotation
// runs whose worker died mid-step. Each sweep runs every `intervalMs` in every worker, so
// each must be safe to run in several workers at once (row locks, leases). A failing
// sweep is logged once per streak of failures and tried again next time; it never stops
// the worker or the other sweeps.
import 'server-only';
import { log } from '@/lib/log';

export type Sweep = { name: string; run: () => Promise<unknown> };

export type RunningSweeps = { stop(): Promise<void> };

export function startSweeps(sweeps: readonly Sweep[], intervalMs: number): RunningSweeps {
  const failing = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();

  async function runOnce(sweep: Sweep) {
    try {
      await sweep.run();
      if (failing.delete(sweep.name)) log.info('sweep recovered', { sweep: sweep.name });
    } catch (error) {
      if (failing.has(sweep.name)) return;
      failing.add(sweep.name);
      log.warn('sweep failed; retrying every interval', { sweep: sweep.name, error: (error as Error).message });
    }
  }

  const tick = () => {
    pass = (async () => {
      for (const sweep of sweeps) {
        if (stopped) return;
        await runOnce(sweep);
      }
    })().finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  // The first pass one interval after start: the first queries' setup (pool, Prisma's
  // query compiler) does not compete with the worker's own startup, and a stop right after
  // start is not held up (`npm run worker` runs under tsx, which SIGKILLs a child that does
  // not take a relayed SIGTERM within milliseconds; worker-process.test.ts flaked under load).
  if (sweeps.length) timer = setTimeout(tick, intervalMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
