// Rotations from the people's side: start one ("rotate now"), walk a manual runbook
// (enter the new key, confirm it works, confirm the old one is revoked), roll back within
// the grace period, cancel before promotion, and read a secret's runs. The worker's side
// is lib/rotation/engine.ts; both record steps through lib/rotation/runs.ts.
import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/generated/prisma/client';
import type { RotationState, RotationStrategy, RotationTrigger, StragglerPolicy } from '@/generated/prisma/enums';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import { authorizeActionOn } from '@/lib/auth/team-scope';
import { claimApproval } from './approvals';
import type { Caller, SessionUser } from '@/lib/auth/caller';
import type { Permission } from '@/lib/auth/permissions';
import { appClock, type Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { InputError, NotFoundError } from '@/lib/errors';
import { enqueueDeliveries, notify } from '@/lib/notifications/notify';
import { effectivePolicy } from '@/lib/rotation/policy';
import { RotationFailure } from '@/lib/rotation/failure';
import { RunInputsError } from '@/lib/rotation/inputs';
import {
  claimRun,
  commitTransition,
  holdingLease,
  markLeaseStep,
  PERSON_OWNER_PREFIX,
  recordRotationVersion,
  releaseRun,
  targetOf,
  type LoadedRun,
  type PersonStep,
} from '@/lib/rotation/runs';
import { personStep, UndoRefused } from '@/lib/rotation/undo';
import { canTake, type RotationEvent } from '@/lib/rotation/state-machine';
import { SecretValue } from '@/lib/secret-value';
import { checkEnteredValue } from '@/lib/validation/secret-value';
import { readerFor, writeValue, type WriteTarget } from '@/lib/values/write-service';
import { runInputsOf } from './rotation-inputs';
import { uuidOrNil } from '@/lib/validation/ids';
import { invalidatingListCounts } from '@/lib/db/list-counts-cache';

export type RotationRunView = {
  id: string;
  strategy: RotationStrategy;
  trigger: RotationTrigger;
  state: RotationState;
  graceHours: number;
  previousVersionId: string | null;
  newVersionId: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  failureMessage: string | null;
  requestedByEmail: string | null;
  confirmedByEmail: string | null;
  revokedByEmail: string | null;
  note: string;
  createdAt: string;
  promotedAt: string | null;
  graceEndsAt: string | null;
  finishedAt: string | null;
  /** What a person may do next, given the state and the strategy. */
  canRollBack: boolean;
  canCancel: boolean;
};

// ---------------------------------------------------------------------------
// Starting

export type StartOptions = { trigger?: RotationTrigger; note?: string; graceHours?: number };

/**
 * Starts a rotation of the secret with its strategy. At most one per secret: the secret's
 * active_rotation_id is claimed in the same transaction as the run is created, so two
 * clicks, two workers, or a click and a worker start one run between them.
 */
export async function startRotation(caller: Caller, secretId: string, options: StartOptions = {}, clock: Clock = appClock()) {
  const user = await authorizeActionOn(caller, 'secrets.rotate', 'rotation.start', { secretId });
  // The two-person rule (./approvals.ts) gates a person's start only: the worker's scheduled
  // rotations and markCompromised's emergency rotation call createRun directly, ungated.
  const approval = await claimApproval(caller, user, secretId, 'rotation', { action: 'rotation.start', targetType: 'secret', targetId: secretId });
  return approval.releasedOnFailure(createRun(caller, user, secretId, options, clock));
}

/** The worker's way in (scheduled rotations), and markCompromised's. No permission check: callers have done it; not gated by the two-person rule. */
export async function createRun(caller: Caller, user: SessionUser | null, secretId: string, options: StartOptions, clock: Clock) {
  const secret = await db.secret.findUnique({
    where: { id: uuidOrNil(secretId) },
    include: { connection: true, environment: { select: { name: true } } },
  });
  if (!secret) throw new NotFoundError('This secret does not exist.');
  if (secret.status === 'decommissioned') throw new InputError('This secret is decommissioned: it is not rotated any more.');
  if (!secret.connection || !secret.providerRef) {
    throw new InputError('Connect this secret to a provider first (Edit → Connection): rotations write the new value there.');
  }
  if (secret.activeRotationId) throw alreadyRotating();
  const grace = options.graceHours ?? (await effectivePolicy(db, secret)).graceHours;
  // What the run will work on, checked now (reference bounds, admin credential); fixed
  // again inside the transaction below, where the secret row is locked.
  const planned = await runInputsOf(db, secret.id);
  // Which version is current now: the one the grace period keeps valid, and the one a
  // rollback returns to. Asked before anything is written, so a re-run step never mistakes
  // its own new version for the previous one.
  const previousVersionId = await readerFor(planned).currentVersionId(planned.providerRef);
  const now = clock.now();
  const trigger = options.trigger ?? 'manual';
  const deliveries: string[] = [];
  const runId = randomUUID();
  const run = await db
    .$transaction(async (tx) => {
      // Claim the secret first: the row lock makes a concurrent start wait here and then
      // find the slot taken (creating the run first would deadlock on the foreign key).
      const claimed = await tx.secret.updateMany({ where: { id: secret.id, activeRotationId: null }, data: { activeRotationId: runId } });
      if (claimed.count !== 1) throw alreadyRotating();
      // Re-read under the lock: an edit that slipped in since the look above must not leave
      // the run with a previous version of another reference.
      const inputs = await runInputsOf(tx, secret.id);
      if (JSON.stringify(inputs) !== JSON.stringify(planned)) {
        throw new InputError('The secret changed while the rotation was starting. Reload the page and start it again.');
      }
      const created = await tx.rotationRun.create({
        data: {
          id: runId,
          secretId: secret.id,
          strategy: secret.rotationStrategy,
          trigger,
          graceHours: grace,
          previousVersionId,
          priorLastRotatedAt: secret.lastRotatedAt,
          requestedById: user?.id ?? null,
          requestedByEmail: user?.email ?? null,
          note: options.note ?? '',
          inputs: inputs as Prisma.InputJsonObject,
          createdAt: now,
        },
      });
      deliveries.push(...(await notify(tx, { event: 'rotation.started', occurredAt: now, secretId: secret.id, runId: created.id })));
      await recordAudit(tx, caller, {
        action: 'rotation.start',
        targetType: 'secret',
        targetId: secret.id,
        environment: secret.environment.name,
        detail: { runId: created.id, strategy: created.strategy, trigger, graceHours: grace, note: options.note || null },
        ...(user ? {} : { actor: { id: null, email: 'rotation-worker', role: null } }),
      });
      return created;
    })
    .catch((error: unknown) => {
      // The unique active_rotation_id lost a race with another start.
      if ((error as { code?: string }).code === 'P2002') throw alreadyRotating();
      throw error;
    });
  await enqueueDeliveries(deliveries);
  invalidatingListCounts(undefined);
  return { runId: run.id };
}

function alreadyRotating(): InputError {
  return new InputError('A rotation of this secret is already in progress. Finish or cancel it first.');
}

// ---------------------------------------------------------------------------
// A person's steps

/** Authorizes a person's step on the run's secret (a denial is audited as `action`), then
 *  runs `work` holding the run's lease as this person (renewed while it runs: a slow
 *  provider keeps it, a request that dies loses it within seconds); refuses while a
 *  worker holds it. */
async function asPerson<T>(
  caller: Caller,
  runId: string,
  permission: Permission,
  action: string,
  clock: Clock,
  work: (run: LoadedRun, owner: string, user: SessionUser) => Promise<T>,
): Promise<T> {
  const user = await authorizeActionOn(caller, permission, action, { rotationId: runId });
  const owner = `${PERSON_OWNER_PREFIX}${user.id}:${randomUUID()}`;
  const run = await claimRun(uuidOrNil(runId), owner, clock.now(), true);
  if (!run) {
    const exists = await db.rotationRun.findUnique({ where: { id: uuidOrNil(runId) }, select: { state: true } });
    if (!exists) throw new NotFoundError('This rotation does not exist.');
    throw new InputError('This rotation is finished, or its next step is running right now. Reload the page to see where it is.');
  }
  try {
    return await holdingLease(run.id, owner, () => work(run, owner, user));
  } finally {
    await releaseRun(run.id, owner);
  }
}

/** The run's fixed target; a run without valid inputs cannot take a person's step. */
function runTarget(run: LoadedRun): WriteTarget {
  try {
    return targetOf(run);
  } catch (error) {
    if (error instanceof RunInputsError) throw new InputError(`${error.message} Cancel this one.`);
    throw error;
  }
}

function requireStep(run: LoadedRun, event: RotationEvent, message: string): void {
  if (!canTake(run.state, event, run.strategy)) throw new InputError(message);
}

/** Manual runbook: the engineer enters the new key they created at the vendor. */
export async function submitRotationValue(caller: Caller, runId: string, rawValue: unknown, clock: Clock = appClock()) {
  return asPerson(caller, runId, 'secrets.value.write', 'rotation.value_written', clock, async (run, owner, user) => {
    requireStep(run, 'value_written', 'This rotation is not waiting for a new value.');
    const value = new SecretValue(checkEnteredValue(rawValue));
    const written = await writeValue(runTarget(run), {
      value,
      token: run.writeToken,
      stage: 'pending',
      generated: false,
      retrySince: null,
      by: { caller, action: 'rotation.value_written' },
    });
    const now = clock.now();
    await commitTransition(run, owner, caller, now, {
      event: 'value_written',
      patch: { newVersionId: written.versionId },
      detail: { versionId: written.versionId },
      also: (tx) =>
        recordRotationVersion(tx, run, {
          versionId: written.versionId,
          source: 'entered',
          fingerprint: written.fingerprint,
          fingerprintKeyId: written.fingerprintKeyId,
          by: user,
          at: now,
        }),
    });
    return { versionId: written.versionId };
  });
}

/** Manual runbook: the engineer checked that the new key works where it is used. */
export async function confirmRotationWorks(caller: Caller, runId: string, clock: Clock = appClock()) {
  return asPerson(caller, runId, 'secrets.rotate', 'rotation.verified', clock, async (run, owner, user) => {
    if (run.strategy !== 'manual') throw new InputError('Only manual rotations are confirmed by hand.');
    requireStep(run, 'verified', 'Enter the new value first, then confirm that it works.');
    await commitTransition(run, owner, caller, clock.now(), {
      event: 'verified',
      patch: { confirmedByEmail: user.email },
      detail: { versionId: run.newVersionId, confirmedBy: user.email },
    });
    return { runId: run.id };
  });
}

/** Manual runbook, after the grace period: the old key was revoked at the vendor. */
export async function confirmOldKeyRevoked(caller: Caller, runId: string, clock: Clock = appClock()) {
  return asPerson(caller, runId, 'secrets.rotate', 'rotation.revocation_confirmed', clock, async (run, owner, user) => {
    requireStep(run, 'revocation_confirmed', 'This rotation is not waiting for the old key to be revoked.');
    await commitTransition(run, owner, caller, clock.now(), {
      event: 'revocation_confirmed',
      patch: { revokedByEmail: user.email },
      detail: { revokedBy: user.email },
      notices: ['rotation.completed'],
    });
    return { runId: run.id };
  });
}

/** Within the grace period: the previous value becomes current again, the new one is retired. */
export async function rollBackRotation(caller: Caller, runId: string, clock: Clock = appClock()) {
  return asPerson(caller, runId, 'secrets.rotate', 'rotation.rolled_back', clock, async (run, owner) => {
    requireStep(run, 'rolled_back', 'Only a rotation in its grace period can be rolled back.');
    if (!run.previousVersionId || !run.newVersionId) throw new InputError('There is no previous version to return to.');
    await undoAsPerson(caller, run, owner, 'rolled_back', clock);
    invalidatingListCounts(undefined);
    return { runId: run.id };
  });
}

/** In the grace period (held for stragglers or not): a person retires the old value now,
 *  as the worker does when the period ends (the provider's previous version, and for
 *  alternating users the replaced database user), recorded with the decision "person" and
 *  the consumers still on the old value. Marked on the lease first, so if this request dies
 *  the worker that takes over finishes the retirement. */
export async function retireOldValueNow(caller: Caller, runId: string, clock: Clock = appClock()): Promise<{ runId: string }> {
  return asPerson(caller, runId, 'secrets.rotate', 'rotation.grace_ended', clock, async (run, owner) => {
    requireStep(run, 'grace_ended', 'Only a rotation in its grace period can retire its old value.');
    await undoAsPerson(caller, run, owner, 'grace_ended', clock);
    invalidatingListCounts(undefined);
    return { runId: run.id };
  });
}

/** Before promotion only: stop the run and withdraw any new version it wrote. */
export async function cancelRotation(caller: Caller, runId: string, clock: Clock = appClock()) {
  return asPerson(caller, runId, 'secrets.rotate', 'rotation.cancelled', clock, async (run, owner) => {
    requireStep(run, 'cancelled', 'A rotation whose new value is already current cannot be cancelled: roll it back instead.');
    await undoAsPerson(caller, run, owner, 'cancelled', clock);
    return { runId: run.id };
  });
}

/** A checked rollback, cancel or retirement: marked on the lease before the provider work,
 *  so if this request dies the worker that takes over finishes it (lib/rotation/undo.ts). */
async function undoAsPerson(caller: Caller, run: LoadedRun, owner: string, step: PersonStep, clock: Clock): Promise<void> {
  const target = runTarget(run);
  await markLeaseStep(run.id, owner, step);
  let transition;
  try {
    transition = await personStep(step, run, target);
  } catch (error) {
    if (error instanceof UndoRefused || error instanceof RotationFailure) throw new InputError(error.message);
    throw error;
  }
  await commitTransition(run, owner, caller, clock.now(), transition);
}

// ---------------------------------------------------------------------------
// Reading

export type RotationPolicyView = {
  strategy: RotationStrategy;
  autoRotate: boolean;
  /** When the grace period ends with consumers still on the old value. */
  stragglerPolicy: StragglerPolicy;
  graceHours: number;
  reminderDays: number;
  /** Whether grace/reminder are the classification's defaults rather than the secret's own. */
  graceIsDefault: boolean;
};

export async function getRotationPolicy(caller: Caller, secretId: string): Promise<RotationPolicyView> {
  await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const secret = await db.secret.findUnique({ where: { id: uuidOrNil(secretId) } });
  if (!secret) throw new NotFoundError('This secret does not exist.');
  const policy = await effectivePolicy(db, secret);
  return {
    strategy: secret.rotationStrategy,
    autoRotate: secret.autoRotate,
    stragglerPolicy: secret.stragglerPolicy,
    graceHours: policy.graceHours,
    reminderDays: policy.reminderDays,
    graceIsDefault: secret.graceHours === null,
  };
}

export async function listSecretRotations(caller: Caller, secretId: string, limit = 10): Promise<RotationRunView[]> {
  await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const runs = await db.rotationRun.findMany({
    where: { secretId: uuidOrNil(secretId) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
  return runs.map((r) => ({
    id: r.id,
    strategy: r.strategy,
    trigger: r.trigger,
    state: r.state,
    graceHours: r.graceHours,
    previousVersionId: r.previousVersionId,
    newVersionId: r.newVersionId,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
    failureMessage: r.failureMessage,
    requestedByEmail: r.requestedByEmail,
    confirmedByEmail: r.confirmedByEmail,
    revokedByEmail: r.revokedByEmail,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
    promotedAt: r.promotedAt?.toISOString() ?? null,
    graceEndsAt: r.graceEndsAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    canRollBack: canTake(r.state, 'rolled_back', r.strategy) && Boolean(r.previousVersionId),
    canCancel: canTake(r.state, 'cancelled', r.strategy),
  }));
}
