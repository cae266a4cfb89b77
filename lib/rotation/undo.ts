// Undoing a run's provider work: withdrawing a new version that was never promoted, and the
// steps a person takes to stop a run (cancel before promotion, roll back in the grace
// period) or to end its grace period early (retire the old value now). They live here, not in lib/data, because the worker finishes them too: a person
// whose request died after the provider work but before it was recorded left the lease
// marked with the step (runs.ts markLeaseStep), and the engine completes that step rather
// than running the run forward over the person's undo. Every call is idempotent (derived
// tokens, label moves), so repeating a step that already reached the provider is safe.
import 'server-only';
import { createHash } from 'node:crypto';
import { rollBackRun, withdrawRunVersion, type WriteTarget } from '@/lib/values/write-service';
import { currentStragglers, retireOldValue } from './grace';
import { inputsOf, type LoadedRun, type PersonStep, type Transition } from './runs';

/** Takes back a run's new version that was never promoted (the write service knows how
 *  for each provider), with a token of its own so a re-run lands on the same version. */
export async function withdraw(target: WriteTarget, run: Pick<LoadedRun, 'newVersionId' | 'previousVersionId' | 'writeToken'>) {
  await withdrawRunVersion(target, run, derivedToken(run.writeToken, 'withdraw'));
}

/** A second, stable UUID for a run's follow-up write (rollback, withdrawal). */
export function derivedToken(token: string, purpose: string): string {
  const h = createHash('sha256').update(`${token}:${purpose}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Does a person's step's provider work and returns the transition that records it. The
 *  caller has checked the step is legal for the run's state (canTake). */
export async function personStep(step: PersonStep, run: LoadedRun, target: WriteTarget): Promise<Transition> {
  switch (step) {
    case 'rolled_back':
      return rollBack(run, target);
    case 'cancelled':
      return cancel(run, target);
    case 'grace_ended':
      // "Retire the old value now" (held for stragglers or not): the same retirement the
      // worker does at the end of the grace period, recorded as a person's decision.
      return retireOldValue(run, target, inputsOf(run), 'person', await currentStragglers(run.id));
  }
}

/** Within the grace period: the previous value becomes current again, the new one is retired. */
async function rollBack(run: LoadedRun, target: WriteTarget): Promise<Transition> {
  if (!run.previousVersionId || !run.newVersionId) throw new UndoRefused('There is no previous version to return to.');
  const { currentVersionId } = await rollBackRun(
    target,
    { previousVersionId: run.previousVersionId, newVersionId: run.newVersionId },
    derivedToken(run.writeToken, 'rollback'),
  );
  return {
    event: 'rolled_back',
    detail: { restoredVersionId: run.previousVersionId, currentVersionId, retiredVersionId: run.newVersionId },
    also: async (tx) => {
      await tx.secret.update({
        where: { id: run.secretId },
        data: {
          lastRotatedAt: run.priorLastRotatedAt,
          nextDueAt: run.secret.rotationIntervalDays
            ? run.priorLastRotatedAt
              ? new Date(run.priorLastRotatedAt.getTime() + run.secret.rotationIntervalDays * 86_400_000)
              : run.secret.createdAt
            : null,
        },
      });
    },
  };
}

/** Before promotion only: stop the run and withdraw any new version it wrote. */
async function cancel(run: LoadedRun, target: WriteTarget): Promise<Transition> {
  if (run.newVersionId) await withdraw(target, run);
  return { event: 'cancelled', detail: { withdrawnVersionId: run.newVersionId } };
}

/** A step that cannot be taken for this run (lib/data turns it into an InputError). */
export class UndoRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndoRefused';
  }
}
