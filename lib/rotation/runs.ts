// Reading and committing rotation runs: the lease that makes one worker (or one person)
// the only one running a run's next step, and the transaction that records a step:
// the run's new state, the secret's dates, the version row, the audit event and the
// notifications, together or not at all.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { RotationState } from '@/generated/prisma/enums';
import { recordAudit, type AuditEntry } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import { computeNextDue } from '@/lib/validation/secret';
import type { NotificationEventName } from '@/lib/notifications/events';
import { enqueueDeliveries, notify } from '@/lib/notifications/notify';
import type { WriteTarget } from '@/lib/values/write-service';
import { parseRunInputs, type RunInputs } from './inputs';
import { isTerminal, nextState, TERMINAL_STATES, type RotationEvent } from './state-machine';

/** How long a claimed run stays ours without a heartbeat: longer than any one step. */
const LEASE_SECONDS = 120;

/** A busy worker shares the pool with many runs: wait for a connection rather than give up
 *  a step whose provider work is already done. */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 };

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
      createdAt: true,
      environment: { select: { name: true } },
      ownerTeam: { select: { name: true } },
    },
  },
} satisfies Prisma.RotationRunInclude;
export type LoadedRun = Prisma.RotationRunGetPayload<{ include: typeof runInclude }>;

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
 * Takes the run's lease for `owner` if nobody holds it and the run is open (and, unless
 * `anyTime`, its next attempt is due at `now`). Returns the run, or null when someone
 * else holds it or there is nothing to do yet.
 */
export async function claimRun(runId: string, owner: string, now: Date, anyTime = false): Promise<LoadedRun | null> {
  const claimed = await db.$executeRaw`
    UPDATE rotation_runs SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
    WHERE id = ${runId}::uuid
      AND state::text <> ALL(${[...TERMINAL_STATES]}::text[])
      AND (lease_until IS NULL OR lease_until < now() OR lease_owner = ${owner})
      AND (${anyTime} OR next_attempt_at IS NULL OR next_attempt_at <= ${now})`;
  if (!claimed) return null;
  return db.rotationRun.findUnique({ where: { id: runId }, include: runInclude });
}

export async function releaseRun(runId: string, owner: string): Promise<void> {
  await db.rotationRun.updateMany({ where: { id: runId, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
}

export type Transition = {
  event: RotationEvent;
  /** Columns of the run to set along with the new state. */
  patch?: Prisma.RotationRunUncheckedUpdateInput;
  /** Extra changes in the same transaction (version row, secret dates). */
  also?: (tx: Tx, to: RotationState) => Promise<void>;
  detail?: Record<string, string | number | boolean | null>;
  /** Channel events this step announces (lib/notifications). */
  notices?: NotificationEventName[];
};

/**
 * Records one step of `run`, held by `owner`: refuses an illegal move and a lost lease
 * (another worker took over after ours expired), so a step is recorded at most once.
 */
export async function commitTransition(run: LoadedRun, owner: string, caller: Caller, now: Date, t: Transition): Promise<RotationState> {
  const to = nextState(run.state, t.event, run.strategy);
  const deliveries: string[] = [];
  await db.$transaction(async (tx) => {
    const updated = await tx.rotationRun.updateMany({
      where: { id: run.id, leaseOwner: owner, state: run.state },
      data: {
        ...(t.patch as Prisma.RotationRunUncheckedUpdateManyInput),
        state: to,
        leaseOwner: null,
        leaseUntil: null,
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
  return to;
}

function auditOf(run: LoadedRun, t: Transition, to: RotationState, caller: Caller): AuditEntry {
  return {
    action: `rotation.${t.event}`,
    outcome: t.event === 'failed' ? 'failed' : 'success',
    targetType: 'secret',
    targetId: run.secretId,
    environment: run.secret.environment.name,
    detail: { runId: run.id, strategy: run.strategy, trigger: run.trigger, from: run.state, to, ...t.detail },
    ...(caller.user ? {} : { actor: WORKER_ACTOR }),
  };
}

/** The secret's dates once a new version is current. */
export async function markRotated(tx: Tx, run: LoadedRun, at: Date): Promise<void> {
  await tx.secret.update({
    where: { id: run.secretId },
    data: {
      lastRotatedAt: at,
      nextDueAt: computeNextDue(at, run.secret.rotationIntervalDays ?? undefined, run.secret.createdAt),
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
