// Reading and committing rotation runs: the lease that makes one worker (or one person)
// the only one running a run's next step (short, renewed by a heartbeat while its holder
// works, so a dead holder's run is taken over within seconds), and the transaction that records a step:
// the run's new state, the secret's dates, the version row, the audit event and the
// notifications, together or not at all.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { RotationState } from '@/generated/prisma/enums';
import { recordAudit, type AuditDetailValue, type AuditEntry } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { replacedCredentialColumns } from './next-due';
import type { NotificationEventName } from '@/lib/notifications/events';
import { enqueueDeliveries, notify } from '@/lib/notifications/notify';
import type { WriteTarget } from '@/lib/values/write-service';
import { parseRunInputs, type RunInputs } from './inputs';
import { isTerminal, nextState, TERMINAL_STATES, type RotationEvent } from './state-machine';

/** How long a claimed run stays ours after the last heartbeat (ROTATION_LEASE_SECONDS).
 *  Short: the holder renews it every quarter of this while its step runs (holdLease), so
 *  a slow provider call keeps it and a dead process loses it within seconds. A heartbeat
 *  that is late only costs work: the step is idempotent and its commit checks the lease. */
const leaseSeconds = () => env().ROTATION_LEASE_SECONDS;

/** A busy worker shares the pool with many runs: wait for a connection rather than give up
 *  a step whose provider work is already done. */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 };

/** How a person's lease owner starts (lib/data/rotations.ts), telling it from a worker's. */
export const PERSON_OWNER_PREFIX = 'person:';

/** Who the audit trail names for steps the worker takes. */
export const WORKER_ACTOR = { id: null, email: 'rotation-worker', role: null } as const;

/** The secret's live columns a run may read: names for labels and the audit, dates. Its
 *  reference, connection and rotation settings are deliberately not here: a run works on
 *  the inputs it recorded at start (targetOf). */
export const runInclude = {
  secret: {
    select: {
      id: true,
      name: true,
      status: true,
      classification: true,
      rotationIntervalDays: true,
      reminderDays: true,
      expiresAt: true,
      createdAt: true,
      environment: { select: { name: true } },
      ownerTeam: { select: { name: true } },
    },
  },
} satisfies Prisma.RotationRunInclude;
export type LoadedRun = Prisma.RotationRunGetPayload<{ include: typeof runInclude }>;

/** A run as its claim found it: `takenOverFrom` names the holder whose step never ended
 *  (a dead worker or request, or this worker before a restart); null when it was free. */
export type ClaimedRun = LoadedRun & { takenOverFrom: string | null };

/** The run's fixed inputs, checked (RunInputsError when missing or malformed). */
export function inputsOf(run: LoadedRun): RunInputs {
  return parseRunInputs(run.inputs, run.strategy);
}

/** Where the run's provider calls go: the reference and connection fixed at its start. */
export function targetOf(run: LoadedRun, inputs: RunInputs = inputsOf(run)): WriteTarget {
  return {
    secretId: run.secretId,
    name: run.secret.name,
    environment: run.secret.environment.name,
    ownerTeam: run.secret.ownerTeam.name,
    connection: inputs.connection,
    providerRef: inputs.providerRef,
  };
}

/**
 * Takes the run's lease for `owner` if nobody holds it (or its holder's lease lapsed, or
 * it is `owner`'s own from before a restart) and the run is open (and, unless `anyTime`,
 * its next attempt is due at `now`). Returns the run, or null when someone else holds it
 * or there is nothing to do yet. A lease is cleared whenever its holder stops normally,
 * so one still set at claim time marks a step that was interrupted (takenOverFrom).
 */
export async function claimRun(runId: string, owner: string, now: Date, anyTime = false): Promise<ClaimedRun | null> {
  // The CTE locks the row and reads the holder before the UPDATE replaces it.
  const claimed = await db.$queryRaw<{ previous_owner: string | null }[]>`
    WITH prev AS (SELECT id, lease_owner FROM rotation_runs WHERE id = ${runId}::uuid FOR UPDATE)
    UPDATE rotation_runs r SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseSeconds()})
    FROM prev
    WHERE r.id = prev.id
      AND r.state::text <> ALL(${[...TERMINAL_STATES]}::text[])
      AND (r.lease_until IS NULL OR r.lease_until < now() OR r.lease_owner = ${owner})
      AND (${anyTime} OR r.lease_step IS NOT NULL OR r.next_attempt_at IS NULL OR r.next_attempt_at <= ${now})
    RETURNING prev.lease_owner AS previous_owner`;
  if (!claimed.length) return null;
  const run = await db.rotationRun.findUnique({ where: { id: runId }, include: runInclude });
  return run && { ...run, takenOverFrom: claimed[0].previous_owner };
}

export async function releaseRun(runId: string, owner: string): Promise<void> {
  await db.rotationRun.updateMany({ where: { id: runId, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null, leaseStep: null } });
}

/**
 * Runs `work` while renewing `owner`'s lease on the run every quarter lease, so a step that
 * takes longer than the lease (a slow provider) keeps it. A renewal that fails is logged and
 * tried again; a renewal that finds the lease gone stops (the commit will say LostLease).
 */
export async function holdingLease<T>(runId: string, owner: string, work: () => Promise<T>): Promise<T> {
  const seconds = leaseSeconds();
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = db.$executeRaw`
      UPDATE rotation_runs SET lease_until = now() + make_interval(secs => ${seconds})
      WHERE id = ${runId}::uuid AND lease_owner = ${owner}`
        .then((renewed) => {
          if (!renewed) clearInterval(timer);
        })
        .catch((error: unknown) => log.warn('rotation lease not renewed', { runId, error: (error as Error).message }));
    },
    (seconds * 1000) / 4,
  );
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    // Settle a renewal in flight, so none outlives the step (the pool may close next).
    await renewing;
  }
}

/** Records which person's step the lease is taking, once it is checked and before its
 *  provider work, so a takeover after the person's request died finishes that step. */
export async function markLeaseStep(runId: string, owner: string, step: PersonStep): Promise<void> {
  const marked = await db.rotationRun.updateMany({ where: { id: runId, leaseOwner: owner }, data: { leaseStep: step } });
  if (marked.count !== 1) throw new LostLease(runId);
}

/** The person's steps a takeover finishes: they only undo or retire (nothing new is made
 *  current), so finishing one a person started is always what they asked for. */
export const PERSON_STEPS = ['rolled_back', 'cancelled', 'grace_ended'] as const satisfies readonly RotationEvent[];
export type PersonStep = (typeof PERSON_STEPS)[number];

export type Transition = {
  event: RotationEvent;
  /** Columns of the run to set along with the new state. */
  patch?: Prisma.RotationRunUncheckedUpdateInput;
  /** Extra changes in the same transaction (version row, secret dates). */
  also?: (tx: Tx, to: RotationState) => Promise<void>;
  detail?: Record<string, AuditDetailValue>;
  /** Channel events this step announces (lib/notifications). */
  notices?: NotificationEventName[];
};

/**
 * Records one step of `run`, held by `owner`: refuses an illegal move and a lost lease
 * (another worker took over after ours expired), so a step is recorded at most once.
 */
export async function commitTransition(run: LoadedRun | ClaimedRun, owner: string, caller: Caller, now: Date, t: Transition): Promise<RotationState> {
  const to = nextState(run.state, t.event, run.strategy);
  const deliveries: string[] = [];
  maybeDieForTests('before', t);
  await db.$transaction(async (tx) => {
    const updated = await tx.rotationRun.updateMany({
      where: { id: run.id, leaseOwner: owner, state: run.state },
      data: {
        ...(t.patch as Prisma.RotationRunUncheckedUpdateManyInput),
        state: to,
        leaseOwner: null,
        leaseUntil: null,
        leaseStep: null,
        ...(isTerminal(to) ? { finishedAt: now, nextAttemptAt: null } : {}),
      },
    });
    if (updated.count !== 1) throw new LostLease(run.id);
    if (isTerminal(to)) {
      await tx.secret.updateMany({ where: { id: run.secretId, activeRotationId: run.id }, data: { activeRotationId: null } });
    }
    await t.also?.(tx, to);
    for (const event of t.notices ?? []) deliveries.push(...(await notify(tx, { event, occurredAt: now, secretId: run.secretId, runId: run.id })));
    await recordAudit(tx, caller, auditOf(run, t, to, caller));
  }, TRANSACTION_OPTIONS);
  await enqueueDeliveries(deliveries);
  maybeDieForTests('after', t);
  return to;
}

/**
 * Crash tests only: with ROTATION_KILL_AT=before:<event> or after:<event> the process kills
 * itself (SIGKILL, no cleanup) just before or just after recording that step — "before"
 * means the provider work is done but nothing says so — so a test can prove that another
 * worker finishes the rotation exactly once. Worker and person steps alike.
 */
function maybeDieForTests(when: 'before' | 'after', t: Transition): void {
  if (env().ROTATION_KILL_AT === `${when}:${t.event}`) process.kill(process.pid, 'SIGKILL');
}

function auditOf(run: LoadedRun | ClaimedRun, t: Transition, to: RotationState, caller: Caller): AuditEntry {
  const takenOverFrom = 'takenOverFrom' in run ? run.takenOverFrom : null;
  return {
    action: `rotation.${t.event}`,
    outcome: t.event === 'failed' ? 'failed' : 'success',
    targetType: 'secret',
    targetId: run.secretId,
    environment: run.secret.environment.name,
    detail: {
      runId: run.id,
      strategy: run.strategy,
      trigger: run.trigger,
      from: run.state,
      to,
      ...t.detail,
      // This step was taken over from a holder that died mid-step (action-labels.ts shows it).
      ...(takenOverFrom ? { recovered: true, recoveredFrom: takenOverFrom.startsWith(PERSON_OWNER_PREFIX) ? 'person' : 'worker' } : {}),
    },
    ...(caller.user ? {} : { actor: WORKER_ACTOR }),
  };
}

/** The secret's dates once a new version is current (the replaced credential's expiry goes). */
export async function markRotated(tx: Tx, run: LoadedRun, at: Date): Promise<void> {
  await tx.secret.update({
    where: { id: run.secretId },
    data: {
      ...(await replacedCredentialColumns(tx, run.secret, at)),
      remindedForDueAt: null,
      overdueNoticeForDueAt: null,
    },
  });
}

/** The version row for the value a rotation wrote (keyed by the run's write token, so a
 *  re-run step finds it instead of adding another). */
export async function recordRotationVersion(
  tx: Tx,
  run: LoadedRun,
  version: {
    versionId: string;
    source: 'entered' | 'generated';
    fingerprint: Uint8Array<ArrayBuffer> | null;
    fingerprintKeyId: string | null;
    by: { id: string | null; email: string | null };
    at: Date;
  },
): Promise<void> {
  await tx.secretVersion.upsert({
    where: { idempotencyToken: run.writeToken },
    update: {},
    create: {
      secretId: run.secretId,
      connectionId: targetOf(run).connection.id,
      providerRef: targetOf(run).providerRef,
      providerVersionId: version.versionId,
      idempotencyToken: run.writeToken,
      source: version.source,
      fingerprint: version.fingerprint,
      fingerprintKeyId: version.fingerprint ? version.fingerprintKeyId : null,
      note: `Rotation ${run.id.slice(0, 8)} (${run.strategy === 'manual' ? 'manual runbook' : run.trigger})`,
      createdById: version.by.id,
      createdByEmail: version.by.email,
      createdAt: version.at,
    },
  });
}

export class LostLease extends Error {
  constructor(runId: string) {
    super(`Rotation ${runId} changed hands or state while this step ran; its result was not recorded.`);
    this.name = 'LostLease';
  }
}
