// The two-person rule. A classification policy may require approval (Settings → Policies);
// then a value write or a rotation of such a secret in `production` needs a second
// person: the requester asks here, an engineer of the owning team or an admin (never the
// requester) approves or refuses, and the requester's own write or rotation start uses
// the approval once (claimApproval, called at the authorization point of writeSecretValue
// and startRotation). No value is held while waiting: the request carries a note only;
// once approved, the requester submits the value or the rotation generates it. Moving a
// gated secret out of the rule's reach (classification, environment) is an admin's edit.
// Not gated: the worker's scheduled rotations and markCompromised's emergency rotation.
//
// Lifetimes: a pending request expires 7 days after it was made, an approval 24 hours
// after it was given (expires_at moves on approval). Every step is audited in the
// transaction that makes it; requests and decisions are notified.
import 'server-only';
import type { ApprovalKind, ApprovalState, Classification } from '@/generated/prisma/enums';
import { recordAudit, type AuditEntry } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller, SessionUser } from '@/lib/auth/caller';
import type { Permission } from '@/lib/auth/permissions';
import { callerCan } from '@/lib/auth/token-scopes';
import { actsOnEveryTeam, authorizeForSecret, isTeamMember } from '@/lib/auth/team-scope';
import { db, type Tx } from '@/lib/db';
import { ForbiddenError, InputError, NotFoundError } from '@/lib/errors';
import { enqueueDeliveries, notify } from '@/lib/notifications/notify';
import { ZApprovalDecision, ZApprovalRequest } from '@/lib/validation/approval';
import { parseInput } from '@/lib/validation/parse';
import { uuidOrNil } from '@/lib/validation/ids';

/** The environment the rule applies to (the "in production"). */
export const GATED_ENVIRONMENT = 'production';
const PENDING_DAYS = 7;
const APPROVED_HOURS = 24;

/** What each kind of request asks to do, as the data layer authorizes it. */
export const APPROVAL_PERMISSION: Record<ApprovalKind, Permission> = {
  value_write: 'secrets.value.write',
  rotation: 'secrets.rotate',
};

/** The refusal a gated write or start gets, pointing at the tab where the request is made. */
export function approvalNeededMessage(kind: ApprovalKind): string {
  return `This secret needs a second person's approval: request it on the ${kind === 'rotation' ? 'Rotation' : 'Secrets Management'} tab.`;
}

export type ApprovalView = {
  id: string;
  kind: ApprovalKind;
  /** Lists show open requests only, so never an expired one (expiry is expires_at, not a state). */
  state: ApprovalState;
  requestedByEmail: string;
  note: string;
  decidedByEmail: string | null;
  decisionNote: string;
  createdAt: string;
  expiresAt: string;
  /** The caller may approve or refuse it now (a second person with the right, while pending). */
  mayDecide: boolean;
};

export type SecretApprovals = {
  /** Whether value writes and rotations of this secret need approval. */
  required: boolean;
  /** The caller's own open request per kind (pending, or approved and not used yet). */
  mine: Record<ApprovalKind, ApprovalView | null>;
  /** Pending requests by other people, oldest first. */
  others: ApprovalView[];
};

// ---------------------------------------------------------------------------
// Whether the rule applies

async function gateOf(client: Tx | typeof db, secretId: string) {
  const [row] = await client.$queryRaw<{ status: string; environment: string; required: boolean }[]>`
    SELECT s.status::text AS status, e.name AS environment,
           coalesce(p.require_approval, false) AND e.name = ${GATED_ENVIRONMENT} AS required
    FROM secrets s
    JOIN environments e ON e.id = s.environment_id
    LEFT JOIN classification_policies p ON p.classification = s.classification
    WHERE s.id = ${uuidOrNil(secretId)}::uuid`;
  if (!row) throw new NotFoundError('This secret does not exist.');
  return row;
}

type Placement = { classification: Classification; environment: { name: string } };

async function coveredBy(client: Tx, secret: Placement): Promise<boolean> {
  if (secret.environment.name !== GATED_ENVIRONMENT) return false;
  const policy = await client.classificationPolicy.findUnique({ where: { classification: secret.classification }, select: { requireApproval: true } });
  return policy?.requireApproval ?? false;
}

/**
 * For updateSecret: an edit that takes a secret out of the rule's reach (another
 * classification or environment) would let one engineer skip the second person, so only
 * administrators (who set the policies anyway) make it. Audited as denied otherwise.
 */
export async function assertKeepsApprovalRule(
  tx: Tx,
  caller: Caller,
  user: SessionUser,
  before: Placement,
  after: Placement,
  attempt: { action: string; targetType: string; targetId: string; environment: string },
): Promise<void> {
  if (actsOnEveryTeam(user) || !(await coveredBy(tx, before)) || (await coveredBy(tx, after))) return;
  await recordAudit(db, caller, { ...attempt, outcome: 'denied', detail: { permission: 'secrets.write', reason: 'lifts_approval_rule' } });
  throw new ForbiddenError(
    'This secret is under the two-person rule: only an administrator can move it to a classification or environment the rule does not cover.',
  );
}

// ---------------------------------------------------------------------------
// Asking, deciding, withdrawing

export async function requestApproval(caller: Caller, secretId: string, raw: unknown): Promise<{ approvalId: string }> {
  const input = parseInput(ZApprovalRequest, raw);
  const attempt = { action: 'approval.request', targetType: 'secret', targetId: secretId } as const;
  const user = await authorizeForSecret(caller, APPROVAL_PERMISSION[input.kind], attempt, { secretId });
  const deliveries: string[] = [];
  const approvalId = await db.$transaction(async (tx) => {
    // The secret's row lock serializes requests for it, so one person cannot open two at once.
    await tx.$executeRaw`SELECT 1 FROM secrets WHERE id = ${uuidOrNil(secretId)}::uuid FOR UPDATE`;
    const gate = await gateOf(tx, secretId);
    if (gate.status === 'decommissioned') throw new InputError('This secret is decommissioned: there is nothing to approve.');
    if (!gate.required) throw new InputError('This secret does not need approval: you can go ahead without one.');
    const open = await tx.$queryRaw<{ state: ApprovalState }[]>`
      SELECT state FROM change_approvals
      WHERE secret_id = ${uuidOrNil(secretId)}::uuid AND requested_by_id = ${user.id}::uuid AND kind = ${input.kind}::"ApprovalKind"
        AND state IN ('pending', 'approved') AND used_at IS NULL AND expires_at > now()
      LIMIT 1`;
    if (open.length) {
      throw new InputError(
        open[0].state === 'approved'
          ? 'You already have an approval for this: use it, or cancel it first.'
          : 'You already asked: your request is waiting for a decision.',
      );
    }
    const [created] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO change_approvals (id, secret_id, kind, requested_by_id, requested_by_email, note, expires_at)
      VALUES (gen_random_uuid(), ${uuidOrNil(secretId)}::uuid, ${input.kind}::"ApprovalKind", ${user.id}::uuid, ${user.email}, ${input.note},
              now() + make_interval(days => ${PENDING_DAYS}))
      RETURNING id`;
    deliveries.push(...(await notify(tx, { event: 'approval.requested', occurredAt: new Date(), secretId, approvalId: created.id })));
    await recordAudit(tx, caller, {
      ...attempt,
      environment: gate.environment,
      detail: { approvalId: created.id, kind: input.kind, note: input.note || null },
    });
    return created.id;
  });
  await enqueueDeliveries(deliveries);
  return { approvalId };
}

async function loadApproval(approvalId: string) {
  return db.changeApproval.findUnique({
    where: { id: uuidOrNil(approvalId) },
    select: {
      id: true,
      secretId: true,
      kind: true,
      requestedById: true,
      requestedByEmail: true,
      secret: { select: { environment: { select: { name: true } } } },
    },
  });
}

/** Approve or refuse someone else's pending request, as an engineer of the owning team or an admin. */
export async function decideApproval(caller: Caller, approvalId: string, raw: unknown): Promise<{ approvalId: string }> {
  const row = await loadApproval(approvalId);
  const decision = (raw as { decision?: unknown } | null)?.decision === 'refuse' ? 'refuse' : 'approve';
  const attempt = {
    action: decision === 'approve' ? 'approval.approve' : 'approval.refuse',
    ...(row ? { targetType: 'secret', targetId: row.secretId } : { targetType: 'change_approval', targetId: approvalId }),
  } as const;
  // Both permissions belong to the same roles; an unknown id is refused by the scope check.
  const permission = APPROVAL_PERMISSION[row?.kind ?? 'value_write'];
  const user = await authorizeForSecret(caller, permission, attempt, { approvalId });
  const input = parseInput(ZApprovalDecision, raw);
  if (!row) throw new NotFoundError('This approval request does not exist.');
  if (row.requestedById === user.id) {
    await recordAudit(db, caller, { ...attempt, outcome: 'denied', detail: { permission, reason: 'own_request', approvalId: row.id } });
    throw new ForbiddenError('You asked for this change yourself: a second person has to decide on it.');
  }
  const deliveries: string[] = [];
  await db.$transaction(async (tx) => {
    const state: ApprovalState = input.decision === 'approve' ? 'approved' : 'refused';
    const decided = await tx.$executeRaw`
      UPDATE change_approvals
      SET state = ${state}::"ApprovalState", decided_by_id = ${user.id}::uuid, decided_by_email = ${user.email},
          decided_at = now(), decision_note = ${input.note},
          expires_at = CASE WHEN ${state} = 'approved' THEN now() + make_interval(hours => ${APPROVED_HOURS}) ELSE expires_at END
      WHERE id = ${row.id}::uuid AND state = 'pending' AND expires_at > now()`;
    if (decided !== 1) throw new InputError('This request is no longer waiting for a decision (decided, cancelled or expired). Reload the page.');
    deliveries.push(...(await notify(tx, { event: 'approval.decided', occurredAt: new Date(), secretId: row.secretId, approvalId: row.id })));
    await recordAudit(tx, caller, {
      action: input.decision === 'approve' ? 'approval.approve' : 'approval.refuse',
      targetType: 'secret',
      targetId: row.secretId,
      environment: row.secret.environment.name,
      detail: { approvalId: row.id, kind: row.kind, requestedBy: row.requestedByEmail, note: input.note || null },
    });
  });
  await enqueueDeliveries(deliveries);
  return { approvalId: row.id };
}

/**
 * The requester withdraws their own request or unused approval. Not team-scoped: giving
 * up a right needs no team (someone who left the team may still withdraw).
 */
export async function cancelApproval(caller: Caller, approvalId: string): Promise<{ approvalId: string }> {
  const row = await loadApproval(approvalId);
  const attempt = {
    action: 'approval.cancel',
    ...(row ? { targetType: 'secret', targetId: row.secretId } : { targetType: 'change_approval', targetId: approvalId }),
  } as const;
  const permission = APPROVAL_PERMISSION[row?.kind ?? 'value_write'];
  const user = await authorize(caller, permission, attempt);
  if (!row) throw new NotFoundError('This approval request does not exist.');
  if (row.requestedById !== user.id) {
    await recordAudit(db, caller, { ...attempt, outcome: 'denied', detail: { permission, reason: 'not_requester', approvalId: row.id } });
    throw new ForbiddenError('Only the person who asked can cancel this request.');
  }
  await db.$transaction(async (tx) => {
    const cancelled = await tx.$executeRaw`
      UPDATE change_approvals SET state = 'cancelled'
      WHERE id = ${row.id}::uuid AND state IN ('pending', 'approved') AND used_at IS NULL`;
    if (cancelled !== 1) throw new InputError('This request is already closed. Reload the page.');
    await recordAudit(tx, caller, {
      ...attempt,
      environment: row.secret.environment.name,
      detail: { approvalId: row.id, kind: row.kind },
    });
  });
  return { approvalId: row.id };
}

// ---------------------------------------------------------------------------
// Reading, for the Secrets Management and Rotation tabs

type ApprovalRow = {
  id: string;
  kind: ApprovalKind;
  state: ApprovalState;
  requested_by_id: string;
  requested_by_email: string;
  note: string;
  decided_by_email: string | null;
  decision_note: string;
  created_at: Date;
  expires_at: Date;
};

/** How many pending requests of others a tab lists; more than a handful means something is off. */
const OTHERS_SHOWN = 50;

export async function listSecretApprovals(caller: Caller, secretId: string): Promise<SecretApprovals> {
  const user = await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const gate = await gateOf(db, secretId);
  const mine: SecretApprovals['mine'] = { value_write: null, rotation: null };
  if (!gate.required) return { required: false, mine, others: [] };
  const rows = await db.$queryRaw<ApprovalRow[]>`
    (SELECT id, kind, state, requested_by_id, requested_by_email, note, decided_by_email, decision_note, created_at, expires_at
     FROM change_approvals
     WHERE secret_id = ${uuidOrNil(secretId)}::uuid AND requested_by_id = ${user.id}::uuid
       AND state IN ('pending', 'approved') AND used_at IS NULL AND expires_at > now())
    UNION ALL
    (SELECT id, kind, state, requested_by_id, requested_by_email, note, decided_by_email, decision_note, created_at, expires_at
     FROM change_approvals
     WHERE secret_id = ${uuidOrNil(secretId)}::uuid AND state = 'pending' AND expires_at > now() AND requested_by_id <> ${user.id}::uuid
     ORDER BY created_at LIMIT ${OTHERS_SHOWN})`;
  const owner = await db.secret.findUniqueOrThrow({ where: { id: uuidOrNil(secretId) }, select: { ownerTeamId: true } });
  const inScope = actsOnEveryTeam(user) || (await isTeamMember(user.id, owner.ownerTeamId));
  const view = (r: ApprovalRow): ApprovalView => ({
    id: r.id,
    kind: r.kind,
    state: r.state,
    requestedByEmail: r.requested_by_email,
    note: r.note,
    decidedByEmail: r.decided_by_email,
    decisionNote: r.decision_note,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    mayDecide: r.requested_by_id !== user.id && r.state === 'pending' && inScope && callerCan(caller, APPROVAL_PERMISSION[r.kind]),
  });
  const others: ApprovalView[] = [];
  for (const r of rows) {
    if (r.requested_by_id === user.id) mine[r.kind] ??= view(r);
    else others.push(view(r));
  }
  return { required: true, mine, others };
}

// ---------------------------------------------------------------------------
// Using an approval (the enforcement point)

export type UsedApproval = {
  /** The approval used; null when the rule does not apply. A pending write keeps it, so the
   *  worker's sweep can give it back when the write turns out not to have happened. */
  id: string | null;
  /** Gives the approval back (the change it was used for failed), so a transient failure does not burn it. */
  release: () => Promise<void>;
  /** `work`, releasing the approval if it fails. */
  releasedOnFailure: <T>(work: Promise<T>) => Promise<T>;
};

function usedApproval(id: string | null, release: () => Promise<void>): UsedApproval {
  return {
    id,
    release,
    releasedOnFailure: (work) =>
      work.catch(async (error: unknown) => {
        await release();
        throw error;
      }),
  };
}

const NOTHING_USED = usedApproval(null, async () => {});

/**
 * Gives a used approval back in `tx`, audited as approval.release. `by`: the caller that
 * releases it (the worker's sweep passes its own, with the requester as the actor).
 */
export async function releaseApprovalIn(
  tx: Tx,
  by: Caller,
  approval: { id: string; secretId: string; environment: string | null; kind: ApprovalKind; for: string; actor?: AuditEntry['actor'] },
): Promise<void> {
  const released = await tx.$executeRaw`
    UPDATE change_approvals SET state = 'approved', used_at = NULL WHERE id = ${approval.id}::uuid AND state = 'used'`;
  if (released === 1) {
    await recordAudit(tx, by, {
      action: 'approval.release',
      targetType: 'secret',
      targetId: approval.secretId,
      environment: approval.environment,
      detail: { approvalId: approval.id, kind: approval.kind, for: approval.for },
      ...(approval.actor ? { actor: approval.actor } : {}),
    });
  }
}

/**
 * Called by writeSecretValue and startRotation once the caller is authorized. Does nothing
 * when the rule does not apply to the secret. Otherwise claims the caller's approved,
 * unused, unexpired approval for this secret and kind in one statement (the row lock and
 * SKIP LOCKED mean two concurrent writes cannot both use it), or refuses, audited as
 * denied with reason 'approval_required'.
 */
export async function claimApproval(
  caller: Caller,
  user: SessionUser,
  secretId: string,
  kind: ApprovalKind,
  attempt: { action: string; targetType: string; targetId: string },
): Promise<UsedApproval> {
  const gate = await gateOf(db, secretId);
  if (!gate.required) return NOTHING_USED;
  const claimed = await db.$transaction(async (tx) => {
    const [used] = await tx.$queryRaw<{ id: string; decided_by_email: string | null }[]>`
      UPDATE change_approvals SET state = 'used', used_at = now()
      WHERE id = (
        SELECT id FROM change_approvals
        WHERE secret_id = ${uuidOrNil(secretId)}::uuid AND requested_by_id = ${user.id}::uuid AND kind = ${kind}::"ApprovalKind"
          AND state = 'approved' AND used_at IS NULL AND expires_at > now()
        ORDER BY expires_at LIMIT 1
        FOR UPDATE SKIP LOCKED)
      AND state = 'approved' AND used_at IS NULL
      RETURNING id, decided_by_email`;
    if (used) {
      await recordAudit(tx, caller, {
        action: 'approval.use',
        targetType: 'secret',
        targetId: secretId,
        environment: gate.environment,
        detail: { approvalId: used.id, kind, approvedBy: used.decided_by_email, for: attempt.action },
      });
    }
    return used ?? null;
  });
  if (!claimed) {
    await recordAudit(db, caller, {
      ...attempt,
      environment: gate.environment,
      outcome: 'denied',
      detail: { permission: APPROVAL_PERMISSION[kind], reason: 'approval_required', kind },
    });
    throw new ForbiddenError(approvalNeededMessage(kind));
  }
  return usedApproval(claimed.id, async () => {
    await db.$transaction((tx) => releaseApprovalIn(tx, caller, { id: claimed.id, secretId, environment: gate.environment, kind, for: attempt.action }));
  });
}
