// The rotation work the background worker runs every minute (lib/jobs wires these to
// pg-boss): which runs have a step due, which secrets are due for an automatic rotation,
// and which owners should hear that a secret is due soon or overdue, or that its credential expires soon. And the sweep that
// runs every few seconds (lib/jobs/sweeps.ts): runs left stalled by a dead process.
import 'server-only';
import { callerFor } from '@/lib/auth/caller';
import type { Clock } from '@/lib/clock';
import { createRun } from '@/lib/data/rotations';
import { db } from '@/lib/db';
import { log } from '@/lib/log';
import { advanceRotation as advance } from './engine';
import { OPEN_STATES } from './state-machine';
import type { NotificationEventName } from '@/lib/notifications/events';
import { enqueueDeliveries, notify } from '@/lib/notifications/notify';

const BATCH = 200;

/** One pass: starts due automatic rotations, sends reminders, returns the runs to advance.
 *  Runs leased by a worker are included: the lease decides at claim time, and a restarted
 *  worker takes back its own lease at once. */
export async function rotationTick(clock: Clock): Promise<string[]> {
  const now = clock.now();
  await startDueRotations(now, clock);
  await sendDueNotices(now);
  await sendExpiryNotices(now);
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM rotation_runs
    WHERE ((state IN ('requested', 'value_written', 'verified') AND (next_attempt_at IS NULL OR next_attempt_at <= ${now}))
        -- in_grace: the next adoption check is due (runs promoted before checks existed: its end)
        OR (state = 'in_grace' AND next_attempt_at <= ${now})
        OR (state = 'in_grace' AND next_attempt_at IS NULL AND grace_ends_at <= ${now}))
    ORDER BY created_at
    LIMIT ${BATCH}`;
  return rows.map((r) => r.id);
}

/** How many stalled runs one sweep pass takes on; the rest wait for the next pass (or the
 *  tick), so the other sweeps are not held up behind a long backlog. */
const SWEEP_BATCH = 25;

/**
 * The crash-recovery sweep: advances, at once and in this worker, the open runs nobody is
 * working on — no lease, or one whose holder stopped renewing it (a dead worker or
 * request) — that have a step due now, or a person's rollback or cancel to finish. Without
 * it such a run waits for pg-boss to expire the dead job (minutes) or for the next tick.
 * The engine's lease makes this safe beside the jobs and other workers' sweeps. Runs
 * waiting for a person (a manual runbook's value, confirmation, revocation) are left alone.
 */
export async function resumeStalledRuns(clock: Clock, workerId: string): Promise<number> {
  const now = clock.now();
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM rotation_runs
    WHERE (lease_until IS NULL OR lease_until < now())
      AND (lease_step IS NOT NULL
        OR (state IN ('requested', 'value_written', 'verified')
            AND NOT (strategy = 'manual' AND state = 'value_written')
            AND (next_attempt_at IS NULL OR next_attempt_at <= ${now}))
        OR (state = 'in_grace' AND next_attempt_at <= ${now})
        OR (state = 'in_grace' AND next_attempt_at IS NULL AND grace_ends_at <= ${now}))
      -- open states only, so the (state, …) indexes skip the finished runs
      AND state = ANY(${[...OPEN_STATES]}::"RotationState"[])
    ORDER BY created_at
    LIMIT ${SWEEP_BATCH}`;
  for (const { id } of rows) {
    try {
      await advance(id, clock, workerId);
    } catch (error) {
      // One broken run must not keep the others waiting; the next pass tries it again.
      log.warn('stalled rotation not resumed', { runId: id, error: (error as Error).message });
    }
  }
  return rows.length;
}

/** Advance one run by as many steps as it can take now. */
export async function advanceRotation(runId: string, clock: Clock, workerId: string): Promise<void> {
  await advance(runId, clock, workerId);
}

async function startDueRotations(now: Date, clock: Clock): Promise<void> {
  const due = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM secrets
    WHERE auto_rotate AND rotation_strategy <> 'manual' AND status = 'active'
      AND next_due_at <= ${now} AND active_rotation_id IS NULL AND connection_id IS NOT NULL
    ORDER BY next_due_at
    LIMIT ${BATCH}`;
  const caller = callerFor(null, { ip: null, userAgent: 'rotation-worker', requestId: null });
  for (const { id } of due) {
    try {
      await createRun(caller, null, id, { trigger: 'scheduled' }, clock);
    } catch (error) {
      // Started elsewhere meanwhile, or the provider is down: the next tick tries again.
      log.warn('scheduled rotation not started', { secretId: id, error: (error as Error).message });
    }
  }
}

/** "Due soon" once a secret enters its reminder window, "overdue" once it passes its due
 *  date: one notice per due date, recorded on the secret in the same transaction. */
async function sendDueNotices(now: Date): Promise<void> {
  const rows = await db.$queryRaw<{ id: string; next_due_at: Date; overdue: boolean }[]>`
    SELECT s.id, s.next_due_at, s.next_due_at <= ${now} AS overdue
    FROM secrets s JOIN classification_policies p ON p.classification = s.classification
    WHERE s.status = 'active' AND s.next_due_at IS NOT NULL
      AND ((s.next_due_at <= ${now} AND s.overdue_notice_for_due_at IS DISTINCT FROM s.next_due_at)
        OR (s.next_due_at > ${now}
            AND s.next_due_at <= ${now}::timestamptz + make_interval(days => COALESCE(s.reminder_days, p.reminder_days))
            AND s.reminded_for_due_at IS DISTINCT FROM s.next_due_at))
    LIMIT ${BATCH}`;
  for (const row of rows) {
    const event: NotificationEventName = row.overdue ? 'rotation.overdue' : 'rotation.due_soon';
    const deliveries = await db.$transaction(async (tx) => {
      const marked = await tx.secret.updateMany({
        where: { id: row.id, nextDueAt: row.next_due_at },
        data: row.overdue ? { overdueNoticeForDueAt: row.next_due_at } : { remindedForDueAt: row.next_due_at },
      });
      return marked.count ? notify(tx, { event, occurredAt: now, secretId: row.id }) : [];
    });
    await enqueueDeliveries(deliveries);
  }
}

/** "Expiring" once a secret's credential expiry enters its reminder lead (or has already
 *  passed when first seen): one notice per expiry date, marked in the same transaction. A
 *  new expiry date (a new certificate, a person's edit) earns its own notice. */
async function sendExpiryNotices(now: Date): Promise<void> {
  const rows = await db.$queryRaw<{ id: string; expires_at: Date }[]>`
    SELECT s.id, s.expires_at
    FROM secrets s JOIN classification_policies p ON p.classification = s.classification
    WHERE s.status = 'active' AND s.expires_at IS NOT NULL
      AND s.expires_at <= ${now}::timestamptz + make_interval(days => COALESCE(s.reminder_days, p.reminder_days))
      AND s.expiry_notice_for_at IS DISTINCT FROM s.expires_at
    LIMIT ${BATCH}`;
  for (const row of rows) {
    const deliveries = await db.$transaction(async (tx) => {
      const marked = await tx.secret.updateMany({ where: { id: row.id, expiresAt: row.expires_at }, data: { expiryNoticeForAt: row.expires_at } });
      return marked.count ? notify(tx, { event: 'secret.expiring', occurredAt: now, secretId: row.id }) : [];
    });
    await enqueueDeliveries(deliveries);
  }
}
