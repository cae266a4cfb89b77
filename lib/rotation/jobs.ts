// The rotation work the background worker runs (lib/jobs wires these to pg-boss queues).
// PLACEHOLDER until the rotation engine lands: both do nothing.
import type { Clock } from '@/lib/clock';

/** Every minute: find runs with a step due (retries, grace ends) and secrets due for an
 *  automatic rotation; returns the ids of the runs to advance. */
export async function rotationTick(_clock: Clock): Promise<string[]> {
  return [];
}

/** Advance one run by as many steps as it can take now. */
export async function advanceRotation(_runId: string, _clock: Clock, _workerId: string): Promise<void> {}
