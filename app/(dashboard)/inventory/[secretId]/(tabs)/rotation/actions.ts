'use server';
// The Rotation tab's actions: start, the manual runbook's person steps, roll back, cancel,
// mark compromised, and the incident checklist. After a step the action lets the engine
// take whatever automatic steps follow at once (write, verify, promote), so the page shows
// the result without waiting for the worker's next pass; the worker does the rest (grace).
import { z } from 'zod';
import { runAction, type ActionFailure } from '@/lib/action';
import { appClock } from '@/lib/clock';
import { checkIncidentStep, closeIncident, markCompromised } from '@/lib/data/incidents';
import {
  cancelRotation,
  confirmOldKeyRevoked,
  confirmRotationWorks,
  rollBackRotation,
  startRotation,
  submitRotationValue,
} from '@/lib/data/rotations';
import { advanceRotation } from '@/lib/rotation/engine';

const ZId = z.string().min(1).max(100);
const UNKNOWN: ActionFailure = { ok: false, error: 'This no longer exists. Reload the page.' };
const WEB_WORKER = `web-${process.pid}`;

function withId<T>(id: unknown, work: (id: string) => Promise<T>): Promise<T | ActionFailure> {
  const parsed = ZId.safeParse(id);
  return parsed.success ? work(parsed.data) : Promise.resolve(UNKNOWN);
}

/** Take the automatic steps that follow a person's step, now. */
async function andAdvance(runId: string | null) {
  if (runId) await advanceRotation(runId, appClock(), WEB_WORKER);
  return { runId };
}

export async function startRotationAction(secretId: unknown, input: unknown) {
  const note = typeof (input as { note?: unknown })?.note === 'string' ? ((input as { note: string }).note.slice(0, 500)) : '';
  return withId(secretId, (id) => runAction(async (caller) => andAdvance((await startRotation(caller, id, { note })).runId)));
}

export async function submitRotationValueAction(runId: unknown, input: unknown) {
  const value = (input && typeof input === 'object' ? (input as { value?: unknown }).value : undefined);
  return withId(runId, (id) => runAction(async (caller) => (await submitRotationValue(caller, id, value), { runId: id })));
}

export async function confirmRotationWorksAction(runId: unknown) {
  return withId(runId, (id) => runAction(async (caller) => (await confirmRotationWorks(caller, id), andAdvance(id))));
}

export async function confirmOldKeyRevokedAction(runId: unknown) {
  return withId(runId, (id) => runAction(async (caller) => confirmOldKeyRevoked(caller, id)));
}

export async function rollBackRotationAction(runId: unknown) {
  return withId(runId, (id) => runAction(async (caller) => rollBackRotation(caller, id)));
}

export async function cancelRotationAction(runId: unknown) {
  return withId(runId, (id) => runAction(async (caller) => cancelRotation(caller, id)));
}

export async function markCompromisedAction(secretId: unknown, input: unknown) {
  return withId(secretId, (id) =>
    runAction(async (caller) => {
      const result = await markCompromised(caller, id, input);
      await andAdvance(result.runId);
      return result;
    }),
  );
}

export async function checkIncidentStepAction(incidentId: unknown, step: unknown, input: unknown) {
  const note = (input && typeof input === 'object' ? (input as { note?: unknown }).note : undefined) ?? '';
  return withId(incidentId, (id) => runAction(async (caller) => checkIncidentStep(caller, id, { step, note })));
}

export async function closeIncidentAction(incidentId: unknown) {
  return withId(incidentId, (id) => runAction(async (caller) => closeIncident(caller, id)));
}
