// The rotation engine: runs a rotation's next steps, one committed transition at a time.
// Each step is idempotent, so a worker killed mid-step leaves work that the next worker
// (after the lease lapses, within seconds: runs.ts holdingLease) repeats safely: provider writes carry the run's token (AWS,
// local) or adopt the version a lost attempt wrote (GCP); promote/retire/rollback are
// idempotent in every adapter. Failures before promotion withdraw the new version, so no
// secret is left half-promoted. Every step works on the inputs the run recorded when it
// started (lib/rotation/inputs.ts) and writes through lib/values/write-service.ts.
// A run whose lease a person held for a rollback, cancel or retire-now when their request
// died is finished that way (./undo.ts), never run forward over their step. The database
// strategies' steps are in ./database-step.ts; the grace period (adoption checks, the
// straggler policy, retirement) in ./grace.ts.
import 'server-only';
import { callerFor, type Caller } from '@/lib/auth/caller';
import type { Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { log } from '@/lib/log';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import type { AlphabetName } from '@/lib/values/alphabets';
import { generateSecretValue } from '@/lib/values/generate';
import { promoteVersion, readerFor, startNativeRotation, writeValue, type WriteTarget } from '@/lib/values/write-service';
import { alternatingTurn, setAndVerify } from './database-step';
import { RotationFailure } from './failure';
import { graceStep } from './grace';
import { RunInputsError, type RunInputs } from './inputs';
import {
  claimRun,
  commitTransition,
  holdingLease,
  inputsOf,
  LostLease,
  markRotated,
  PERSON_STEPS,
  recordRotationVersion,
  targetOf,
  type LoadedRun,
  type PersonStep,
  type Transition,
} from './runs';
import { canTake } from './state-machine';
import { personStep, withdraw } from './undo';

/** Transient provider failures are retried this many times, with growing pauses. */
export const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 60 * 60_000;
/** How often a provider-native rotation is looked at, and how long it may take. */
const NATIVE_POLL_MS = 15_000;
const NATIVE_DEADLINE_MS = 15 * 60_000;
const TRANSIENT: readonly ProviderErrorCode[] = ['throttled', 'unavailable', 'timeout'];

/** What a step decided: a transition to record, or "nothing to do until then". */
type StepResult = Transition | { waitUntil: Date | null };

/** Runs this process is advancing, per worker id: the lease lets a restarted worker take
 *  back its own lease, so within one process a job and the sweep must not both claim. */
const advancing = new Set<string>();

/**
 * Advances one run as far as it can go now. Safe to call from any number of workers at
 * once: the lease lets one of them work, the others return at once.
 */
export async function advanceRotation(runId: string, clock: Clock, workerId: string): Promise<void> {
  const key = `${workerId}\n${runId}`;
  if (advancing.has(key)) return;
  advancing.add(key);
  try {
    const caller = callerFor(null, { ip: null, userAgent: 'rotation-worker', requestId: workerId });
    for (let guard = 0; guard < 10; guard += 1) {
      const run = await claimRun(runId, workerId, clock.now());
      if (!run) return;
      const progressed = await holdingLease(run.id, workerId, () => runStep(run, workerId, caller, clock));
      if (!progressed) return;
    }
  } finally {
    advancing.delete(key);
  }
}

/** One step of a claimed run; true when a transition was recorded. */
export async function runStep(run: LoadedRun, owner: string, caller: Caller, clock: Clock): Promise<boolean> {
  const now = clock.now();
  let result: StepResult;
  try {
    result = await stepOf(run, owner, now, caller);
  } catch (error) {
    return handleFailure(run, owner, caller, now, error);
  }
  if ('waitUntil' in result) {
    await db.rotationRun.updateMany({
      where: { id: run.id, leaseOwner: owner },
      data: { leaseOwner: null, leaseUntil: null, nextAttemptAt: result.waitUntil },
    });
    return false;
  }
  try {
    await commitTransition(run, owner, caller, now, result);
    return true;
  } catch (error) {
    if (error instanceof LostLease) {
      log.warn('rotation step not recorded: lease lost', { runId: run.id });
      return false;
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------
// The steps

/** The run's fixed inputs and provider target; a run without valid inputs fails. */
function fixedInputs(run: LoadedRun): { inputs: RunInputs; target: WriteTarget } {
  try {
    const inputs = inputsOf(run);
    return { inputs, target: targetOf(run, inputs) };
  } catch (error) {
    if (error instanceof RunInputsError) throw new RotationFailure('misconfigured', error.message);
    throw error;
  }
}

async function stepOf(run: LoadedRun, owner: string, now: Date, caller: Caller): Promise<StepResult> {
  const undo = pendingPersonStep(run);
  if (undo) return personStep(undo, run, fixedInputs(run).target);
  switch (run.state) {
    case 'requested':
      return run.strategy === 'manual' ? { event: 'value_requested' } : writeNewVersion(run, now, caller);
    case 'value_written':
      return verify(run, now);
    case 'verified':
      return promote(run, now);
    case 'in_grace':
      fixedInputs(run); // a run without valid inputs fails as misconfigured
      return graceStep(run, owner, caller, now);
    // Waiting for a person: the engineer enters the value, confirms it works, confirms
    // the old key is revoked (lib/data/rotations.ts records those).
    case 'awaiting_value':
    case 'awaiting_revocation':
      return { waitUntil: null };
    default:
      return { waitUntil: null };
  }
}

/** The rollback or cancel a person's lease was taking when their request died, if it is
 *  still legal (a commit clears the mark, so it is; checked all the same). */
function pendingPersonStep(run: LoadedRun): PersonStep | null {
  const step = PERSON_STEPS.find((s) => s === run.leaseStep);
  return step && canTake(run.state, step, run.strategy) ? step : null;
}

async function writeNewVersion(run: LoadedRun, now: Date, caller: Caller): Promise<StepResult> {
  const { inputs, target } = fixedInputs(run);
  // A previous attempt may have reached the provider before its process died.
  const retry = run.attempts > 0;
  await db.rotationRun.update({ where: { id: run.id }, data: { attempts: { increment: 1 } } });
  let versionId: string;
  let fingerprint: Uint8Array<ArrayBuffer> | null = null;
  let fingerprintKeyId: string | null = null;
  let users: { newUser: string; retiringUser: string | null } | null = null;
  if (inputs.rotation.strategy === 'provider_native') {
    ({ versionId } = await startNativeRotation(target, run.writeToken, inputs.rotation.config.lambdaArn));
  } else {
    let value;
    if (inputs.rotation.strategy === 'alternating_users') {
      // The idle user of the two, named in a JSON credential with a fresh password.
      const turn = await alternatingTurn(run, inputs, target);
      users = { newUser: turn.newUser, retiringUser: turn.retiringUser };
      value = turn.value;
    } else {
      const spec = generatedSpecOf(inputs);
      value = generateSecretValue(spec.alphabet, spec.length);
    }
    const written = await writeValue(target, {
      value,
      token: run.writeToken,
      stage: 'pending',
      generated: true,
      retrySince: retry ? run.createdAt : null,
      exclude: [run.previousVersionId],
      by: { caller, action: 'rotation.value_written' },
    });
    versionId = written.versionId;
    fingerprint = written.fingerprint;
    fingerprintKeyId = written.fingerprintKeyId;
  }
  return {
    event: 'value_written',
    patch: { newVersionId: versionId, attempts: 0, nextAttemptAt: null, ...users },
    detail: users ? { versionId, newUser: users.newUser, retiringUser: users.retiringUser } : { versionId },
    also: async (tx) => {
      if (run.strategy === 'provider_native') return; // the Lambda wrote it, not us
      const by = { id: run.requestedById, email: run.requestedByEmail };
      await recordRotationVersion(tx, run, { versionId, source: 'generated', fingerprint, fingerprintKeyId, by, at: now });
    },
  };
}

async function verify(run: LoadedRun, now: Date): Promise<StepResult> {
  const { inputs, target } = fixedInputs(run);
  const provider = readerFor(target);
  const versionId = run.newVersionId!;
  switch (run.strategy) {
    case 'manual':
      return { waitUntil: null }; // the engineer confirms the new key works
    case 'provider_native': {
      const status = await provider.nativeRotationStatus(target.providerRef, versionId);
      if (status === 'completed') return { event: 'verified', detail: { versionId, by: 'rotation Lambda' } };
      if (status === 'failed') throw new RotationFailure('native_failed', "The secret's rotation Lambda did not finish the rotation.");
      if (now.getTime() - run.createdAt.getTime() > NATIVE_DEADLINE_MS) {
        throw new RotationFailure('native_timeout', 'The rotation Lambda has not finished after 15 minutes.');
      }
      return { waitUntil: new Date(now.getTime() + NATIVE_POLL_MS) };
    }
    case 'postgres_role':
    case 'mysql_user':
    case 'alternating_users':
      await setAndVerify(run, inputs, target, versionId);
      return { event: 'verified', detail: { versionId, by: 'login' } };
    default: {
      const exists = (await provider.listVersions(target.providerRef)).some((v) => v.versionId === versionId && v.state !== 'destroyed');
      if (!exists) throw new RotationFailure('version_missing', 'The new version is no longer at the provider.');
      return { event: 'verified', detail: { versionId } };
    }
  }
}

async function promote(run: LoadedRun, now: Date): Promise<StepResult> {
  await promoteVersion(fixedInputs(run).target, run.newVersionId!);
  const graceEndsAt = new Date(now.getTime() + run.graceHours * 3_600_000);
  return {
    event: 'promoted',
    // The grace period's first look for consumers' moves is due at once (./grace.ts).
    patch: { promotedAt: now, graceEndsAt, nextAttemptAt: now },
    // The replaced credential's expiry goes with it (markRotated); the audit says which date.
    detail: {
      versionId: run.newVersionId,
      graceEndsAt: graceEndsAt.toISOString(),
      ...(run.secret.expiresAt ? { expiryCleared: run.secret.expiresAt.toISOString() } : {}),
    },
    also: (tx) => markRotated(tx, run, now),
  };
}

// ---------------------------------------------------------------------------
// Failures

export { RotationFailure };

async function handleFailure(run: LoadedRun, owner: string, caller: Caller, now: Date, error: unknown): Promise<boolean> {
  if (error instanceof LostLease) {
    // A grace-period write (observations, an extension, a hold) found the run taken over.
    log.warn('rotation step not recorded: lease lost', { runId: run.id });
    return false;
  }
  const code = error instanceof ProviderError ? error.code : error instanceof RotationFailure ? error.code : 'unexpected';
  const message = error instanceof ProviderError || error instanceof RotationFailure ? error.message : 'An unexpected error stopped this step.';
  if (!(error instanceof ProviderError || error instanceof RotationFailure)) log.error('rotation step failed', { runId: run.id, error });
  const attempts = run.attempts + (run.state === 'requested' ? 0 : 1);
  if (error instanceof ProviderError && TRANSIENT.includes(error.code) && attempts < MAX_ATTEMPTS) {
    const delay = Math.min(RETRY_BASE_MS * 2 ** Math.max(attempts - 1, 0), RETRY_MAX_MS);
    await db.rotationRun.updateMany({
      where: { id: run.id, leaseOwner: owner },
      data: {
        leaseOwner: null,
        leaseUntil: null,
        attempts: run.state === 'requested' ? undefined : attempts,
        nextAttemptAt: new Date(now.getTime() + delay),
        failureCode: code,
        failureMessage: `${message} Retrying (attempt ${attempts + 1} of ${MAX_ATTEMPTS}).`,
      },
    });
    return false;
  }
  const withdrawn = await withdrawNewVersion(run);
  try {
    await commitTransition(run, owner, caller, now, {
      event: 'failed',
      patch: { failureCode: code, failureMessage: withdrawn ? message : `${message} ${withdrawnFailed}` },
      detail: { error: code },
      notices: ['rotation.failed'],
    });
  } catch (commitError) {
    if (!(commitError instanceof LostLease)) throw commitError;
  }
  return false;
}

const withdrawnFailed = 'The new version could not be withdrawn at the provider: check it before rotating again.';

/**
 * Before promotion a failed run must leave the old value current. AWS kept the new version
 * as AWSPENDING: drop the label. GCP and local made it current at once: put the previous
 * value back (rollback). After promotion nothing is withdrawn: the new value is valid.
 */
async function withdrawNewVersion(run: LoadedRun): Promise<boolean> {
  if (!run.newVersionId || !['value_written', 'verified'].includes(run.state)) return true;
  try {
    if (run.strategy === 'provider_native') return true; // the Lambda's own failure handling
    await withdraw(fixedInputs(run).target, run);
    return true;
  } catch (error) {
    log.warn('could not withdraw the new version of a failed rotation', { runId: run.id, code: (error as ProviderError).code });
    return false;
  }
}

// ---------------------------------------------------------------------------
// Helpers

/** What to generate: the secret's generated-strategy settings; database passwords are
 *  letters and digits (safe in every connection string), 32 characters. */
function generatedSpecOf(inputs: RunInputs): { alphabet: AlphabetName; length: number } {
  return inputs.rotation.strategy === 'generated' ? inputs.rotation.config : { alphabet: 'alphanumeric', length: 32 };
}
