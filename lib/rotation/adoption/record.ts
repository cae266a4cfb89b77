// Recording what a grace-period check saw, and the decisions that change a run without
// moving its state (extend once, hold): rows, run columns and audit events (and the hold's
// notifications) commit together, and only while the caller still holds the run's lease.
import 'server-only';
import type { Prisma } from '@/generated/prisma/client';
import { recordAudit } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import { enqueueDeliveries, notify } from '@/lib/notifications/notify';
import { LostLease, WORKER_ACTOR, type LoadedRun } from '../runs';
import type { Observation } from './types';

const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 };

/** The evidence in a line for the audit trail: identifiers only, capped. */
export function evidenceSummary(evidence: Observation['evidence']): string {
  return Object.entries(evidence)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')
    .slice(0, 500);
}

/** The run's lease still ours, checked and the check time set, inside `tx`. */
async function stillOurs(tx: Tx, run: LoadedRun, owner: string, data: Prisma.RotationRunUpdateManyMutationInput): Promise<void> {
  const updated = await tx.rotationRun.updateMany({ where: { id: run.id, leaseOwner: owner, state: 'in_grace' }, data });
  if (updated.count !== 1) throw new LostLease(run.id);
}

const audited = (run: LoadedRun) => ({ targetType: 'secret', targetId: run.secretId, environment: run.secret.environment.name, actor: WORKER_ACTOR });

/**
 * One check's observations, in one transaction: each consumer's row is upserted by
 * (run, consumer key), keeping the first time it was seen on the new value; onOld is this
 * check's; a row this check did not see is no longer on the old value. A declared consumer
 * seen moved (and off the old value) for the first time is audited (rotation.consumer_moved),
 * and so is an undeclared reader seen for the first time (rotation.undeclared_reader).
 */
export async function recordObservations(run: LoadedRun, owner: string, caller: Caller, observations: Observation[], now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    await stillOurs(tx, run, owner, { adoptionCheckedAt: now });
    const existing = new Map((await tx.rotationAdoption.findMany({ where: { runId: run.id } })).map((r) => [r.consumerKey, r]));
    const seen = new Set<string>();
    for (const o of observations) {
      if (seen.has(o.key)) continue;
      seen.add(o.key);
      const before = existing.get(o.key);
      const movedAt = before?.movedAt ?? o.movedAt;
      const oldSeenAt = o.oldSeenAt ?? before?.oldSeenAt ?? null;
      const fields = {
        systemId: o.systemId,
        label: o.label.slice(0, 300),
        declared: o.declared,
        observable: o.observable,
        movedAt,
        onOld: o.onOld,
        oldSeenAt,
        evidence: o.evidence as Prisma.InputJsonObject,
      };
      await tx.rotationAdoption.upsert({
        where: { runId_consumerKey: { runId: run.id, consumerKey: o.key } },
        create: { runId: run.id, consumerKey: o.key, ...fields },
        update: fields,
      });
      const wasMoved = Boolean(before?.movedAt && !before.onOld && before.observable);
      const isMoved = Boolean(movedAt && !o.onOld && o.observable);
      if (o.declared && isMoved && !wasMoved) {
        await recordAudit(tx, caller, {
          action: 'rotation.consumer_moved',
          ...audited(run),
          detail: { runId: run.id, consumer: fields.label, systemId: o.systemId, evidence: evidenceSummary(o.evidence) },
        });
      }
      if (!o.declared && !before) {
        await recordAudit(tx, caller, {
          action: 'rotation.undeclared_reader',
          ...audited(run),
          detail: { runId: run.id, label: fields.label, onOld: o.onOld, evidence: evidenceSummary(o.evidence) },
        });
      }
    }
    const gone = [...existing.values()].filter((r) => !seen.has(r.consumerKey) && r.onOld).map((r) => r.id);
    if (gone.length) await tx.rotationAdoption.updateMany({ where: { id: { in: gone } }, data: { onOld: false } });
  }, TRANSACTION_OPTIONS);
}

/** extend_once: one more grace period for the stragglers (audited with their labels). */
export async function recordExtension(run: LoadedRun, owner: string, caller: Caller, now: Date, graceEndsAt: Date, stragglers: string[]): Promise<void> {
  await db.$transaction(async (tx) => {
    await stillOurs(tx, run, owner, { graceEndsAt, graceExtendedAt: now });
    await recordAudit(tx, caller, {
      action: 'rotation.grace_extended',
      ...audited(run),
      detail: { runId: run.id, stragglers, graceEndsAt: graceEndsAt.toISOString() },
    });
  }, TRANSACTION_OPTIONS);
}

/** hold: the retirement waits for the stragglers; the owning team's channels hear who. */
export async function recordHold(run: LoadedRun, owner: string, caller: Caller, now: Date, stragglers: string[]): Promise<void> {
  const deliveries = await db.$transaction(async (tx) => {
    await stillOurs(tx, run, owner, { heldAt: now });
    await recordAudit(tx, caller, { action: 'rotation.held', ...audited(run), detail: { runId: run.id, stragglers } });
    return notify(tx, { event: 'rotation.held', occurredAt: now, secretId: run.secretId, runId: run.id, stragglers });
  }, TRANSACTION_OPTIONS);
  await enqueueDeliveries(deliveries);
}
