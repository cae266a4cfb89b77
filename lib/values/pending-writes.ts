// The pending_value_writes row of a person's attempt (a value write or a version change
// on the Secrets Management tab). Inserted before the provider call with everything
// needed to settle the attempt without its value (where, what, who, the keyed
// fingerprint) and a settle-after time, when the attempt can no longer be in flight.
// The request removes it in the transaction that records the outcome; if its process
// died first, the worker's sweep (lib/jobs/settle-pending-writes.ts) settles it from the provider's
// answer. Both take the row under a row lock, so exactly one of them records the outcome.
import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Role, ValueSource } from '@/generated/prisma/enums';
import type { SessionUser } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import { InputError } from '@/lib/errors';
import { ATTEMPT_BUDGET_MS, WRITE_START_MARGIN_MS, type VersionChange } from './write-service';

type Where = { secretId: string; connectionId: string; providerRef: string };

export type ValueWriteIntent = Where & {
  kind: 'value_write';
  source: ValueSource;
  note: string;
  /** The value's keyed fingerprint, as the version row would record it. */
  fingerprint: Uint8Array<ArrayBuffer>;
  /** The key id of the pepper that made it (lib/values/fingerprint.ts). */
  fingerprintKeyId: string;
  /** The two-person rule's approval this write used, if any. */
  approvalId: string | null;
};
export type VersionChangeIntent = Where & { kind: 'version_change' } & VersionChange;
export type Intent = ValueWriteIntent | VersionChangeIntent;

export type Claim = {
  /** An earlier attempt with this token may have reached the provider: reconcile first. */
  reconcile: boolean;
  startedAt: Date;
  /** The provider write must start by then (write-service assertStillInBudget). */
  startBy: Date;
};

type Row = { started_at: Date; settle_after: Date };

const budgetSecs = () => ATTEMPT_BUDGET_MS() / 1000;

/**
 * Claims the token for this attempt. Refuses while another attempt with the same token
 * is in flight; takes over (with `reconcile`) one whose outcome is unknown or whose
 * budget is spent, with this attempt's intent and a new settle-after time.
 * `fingerprintIfReconciling`: a generated value that may land on an earlier attempt's
 * version (a token replay) has no certain fingerprint, so the caller passes null.
 */
export async function claimPendingWrite(
  token: string,
  intent: ValueWriteIntent,
  actor: SessionUser,
  fingerprintIfReconciling: Uint8Array<ArrayBuffer> | null,
): Promise<Claim> {
  // Twice: the row may vanish between the insert and the take-over (the sweep settled it).
  for (let round = 0; round < 2; round++) {
    const inserted = await insertIntent(token, intent, actor);
    if (inserted) return { reconcile: false, startedAt: inserted.started_at, startBy: startByOf(inserted) };
    const fingerprint = fingerprintIfReconciling ? Buffer.from(fingerprintIfReconciling) : null;
    const fingerprintKeyId = fingerprint ? intent.fingerprintKeyId : null;
    // Someone used this token before: take it over only if that attempt is over.
    const [taken] = await db.$queryRaw<Row[]>`
      UPDATE pending_value_writes SET outcome_unknown = false,
        settle_after = now() + make_interval(secs => ${budgetSecs()}),
        connection_id = ${intent.connectionId}::uuid, provider_ref = ${intent.providerRef},
        actor_id = ${actor.id}::uuid, actor_email = ${actor.email}, actor_role = ${actor.role}::"Role",
        source = ${intent.source}::"ValueSource", note = ${intent.note}, fingerprint = ${fingerprint},
        fingerprint_key_id = ${fingerprintKeyId}, approval_id = ${intent.approvalId}::uuid
      WHERE idempotency_token = ${token}::uuid AND secret_id = ${intent.secretId}::uuid AND kind = 'value_write'
        AND (outcome_unknown OR COALESCE(settle_after, started_at + make_interval(secs => ${budgetSecs()})) < now())
      RETURNING started_at, settle_after`;
    if (taken) return { reconcile: true, startedAt: taken.started_at, startBy: startByOf(taken) };
    const still = await db.pendingValueWrite.count({ where: { idempotencyToken: token } });
    if (still) break;
  }
  throw new InputError('This value is already being saved. Wait a moment, then reload the page to see the result.');
}

/** A version change's row, under a token of its own (the form sends none). */
export async function claimVersionChange(intent: VersionChangeIntent, actor: SessionUser): Promise<Claim & { token: string }> {
  const token = randomUUID();
  const inserted = await insertIntent(token, intent, actor);
  if (!inserted) throw new Error('a fresh random token collided');
  return { token, reconcile: false, startedAt: inserted.started_at, startBy: startByOf(inserted) };
}

async function insertIntent(token: string, intent: Intent, actor: SessionUser): Promise<Row | undefined> {
  const value = intent.kind === 'value_write' ? intent : null;
  const change = intent.kind === 'version_change' ? intent : null;
  const [row] = await db.$queryRaw<Row[]>`
    INSERT INTO pending_value_writes (idempotency_token, secret_id, kind, connection_id, provider_ref, settle_after,
      actor_id, actor_email, actor_role, source, note, fingerprint, fingerprint_key_id, approval_id, change, version_id)
    VALUES (${token}::uuid, ${intent.secretId}::uuid, ${intent.kind}::"PendingWriteKind", ${intent.connectionId}::uuid,
      ${intent.providerRef}, now() + make_interval(secs => ${budgetSecs()}),
      ${actor.id}::uuid, ${actor.email}, ${actor.role satisfies Role}::"Role",
      ${value?.source ?? null}::"ValueSource", ${value?.note ?? ''}, ${value ? Buffer.from(value.fingerprint) : null}, ${value?.fingerprintKeyId ?? null},
      ${value?.approvalId ?? null}::uuid, ${change?.change ?? null}, ${change?.versionId ?? null})
    ON CONFLICT DO NOTHING RETURNING started_at, settle_after`;
  return row;
}

function startByOf(row: Row): Date {
  return new Date(row.settle_after.getTime() - WRITE_START_MARGIN_MS());
}

/**
 * Takes the row in the transaction that records the attempt's outcome: false when it is
 * gone, i.e. the sweep settled the attempt first (the caller then records nothing twice).
 * Waits while the sweep holds it.
 */
export async function takePendingRow(tx: Tx, token: string): Promise<boolean> {
  return (await tx.pendingValueWrite.deleteMany({ where: { idempotencyToken: token } })).count > 0;
}

/** The provider call failed with a definite answer: nothing to settle. */
export async function forgetPendingWrite(token: string): Promise<void> {
  await db.pendingValueWrite.deleteMany({ where: { idempotencyToken: token } });
}

/** The provider call ended without an answer (timeout, dropped connection): a resubmit
 *  reconciles at once, and the sweep settles it after settle-after otherwise. */
export async function markOutcomeUnknown(token: string): Promise<void> {
  await db.pendingValueWrite.updateMany({ where: { idempotencyToken: token }, data: { outcomeUnknown: true } });
}

/** When the oldest attempt on this secret still waiting to be settled started (the
 *  Secrets Management tab says a write is being confirmed). Rows from before settle-after
 *  existed wait for a resubmit, not the sweep: not shown. */
export async function pendingSince(secretId: string): Promise<Date | null> {
  const row = await db.pendingValueWrite.findFirst({
    where: { secretId, settleAfter: { not: null } },
    orderBy: { startedAt: 'asc' },
    select: { startedAt: true },
  });
  return row?.startedAt ?? null;
}
