'use server';
// The Rotation tab's actions: start, the manual runbook's person steps, roll back, retire
// the old value now (a held grace period), cancel,
// mark compromised, and the incident checklist. After a step the action lets the engine
// take whatever automatic steps follow at once (write, verify, promote), so the page shows
// the result without waiting for the worker's next pass; the worker does the rest (grace).
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { appClock } from '@/lib/clock';
import { checkIncidentStep, closeIncident, markCompromised } from '@/lib/data/incidents';
import {
  cancelRotation,
  confirmOldKeyRevoked,
  confirmRotationWorks,
  retireOldValueNow,
  rollBackRotation,
  startRotation,
  submitRotationValue,
} from '@/lib/data/rotations';
import { advanceRotation } from '@/lib/rotation/engine';
import { actionId } from '@/lib/validation/ids';
import { ZIncidentStepCheck, ZMarkCompromised } from '@/lib/validation/incident';
import { ZRotationStart } from '@/lib/validation/rotation-start';
import { enteredValue } from '@/lib/validation/secret-value';

const ZRef = actionId('This no longer exists. Reload the page.');
/** The incident checklist form: a note (the step is bound by the page). */
const ZIncidentStepForm = z.object({ note: ZIncidentStepCheck.shape.note }).nullish();
const WEB_WORKER = `web-${process.pid}`;

/** Take the automatic steps that follow a person's step, now. */
async function andAdvance(runId: string | null) {
  if (runId) await advanceRotation(runId, appClock(), WEB_WORKER);
  return { runId };
}

export async function startRotationAction(secretId: unknown, input: unknown) {
  return runAction(z.tuple([ZRef, ZRotationStart]), [secretId, input], async (caller, [id, { note }]) =>
    andAdvance((await startRotation(caller, id, { note })).runId),
  );
}

/** The new value is not part of the declared input: read with enteredValue, handed on as-is. */
export async function submitRotationValueAction(runId: unknown, input: unknown) {
  return runAction(ZRef, runId, async (caller, id) => (await submitRotationValue(caller, id, enteredValue(input)), { runId: id }));
}

export async function confirmRotationWorksAction(runId: unknown) {
  return runAction(ZRef, runId, async (caller, id) => (await confirmRotationWorks(caller, id), andAdvance(id)));
}

export async function confirmOldKeyRevokedAction(runId: unknown) {
  return runAction(ZRef, runId, async (caller, id) => confirmOldKeyRevoked(caller, id));
}

export async function rollBackRotationAction(runId: unknown) {
  return runAction(ZRef, runId, async (caller, id) => rollBackRotation(caller, id));
}

/** In the grace period (held for stragglers or not): retire the old value now. */
export async function retireOldValueNowAction(runId: unknown) {
  return runAction(ZRef, runId, async (caller, id) => retireOldValueNow(caller, id));
}

export async function cancelRotationAction(runId: unknown) {
  return runAction(ZRef, runId, async (caller, id) => cancelRotation(caller, id));
}

export async function markCompromisedAction(secretId: unknown, input: unknown) {
  return runAction(z.tuple([ZRef, ZMarkCompromised]), [secretId, input], async (caller, [id, report]) => {
    const result = await markCompromised(caller, id, report);
    await andAdvance(result.runId);
    return result;
  });
}

export async function checkIncidentStepAction(incidentId: unknown, step: unknown, input: unknown) {
  return runAction(z.tuple([ZRef, ZIncidentStepCheck.shape.step, ZIncidentStepForm]), [incidentId, step, input], (caller, [id, which, form]) =>
    checkIncidentStep(caller, id, { step: which, note: form?.note ?? '' }),
  );
}

export async function closeIncidentAction(incidentId: unknown) {
  return runAction(ZRef, incidentId, async (caller, id) => closeIncident(caller, id));
}
