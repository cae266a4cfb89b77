// The fingerprint backfill of a provider connection, for administrators: turn it on or
// off (off by default), run it now, and what the last run did. The job itself is
// lib/values/fingerprint-backfill.ts, run by the worker; it never stores or returns a value.
import 'server-only';
import { changedFields } from '@/lib/audit/changes';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { InputError, NotFoundError } from '@/lib/errors';
import { jobSender } from '@/lib/jobs/boss';
import { fingerprintBackfillSendOptions, QUEUE, type FingerprintBackfillData } from '@/lib/jobs/queues';
import { log } from '@/lib/log';
import { uuidOrNil } from '@/lib/validation/ids';
import type { BackfillCounts } from '@/lib/values/fingerprint-backfill';
import { updateAudited } from './audited-update';
import { lockedRow } from './locked-row';

const NO_CONNECTION = 'This connection does not exist.';

export type BackfillLastRun = { at: string; outcome: 'success' | 'failed'; counts: BackfillCounts };

export type BackfillSettings = {
  enabled: boolean;
  /** When the last run finished. */
  lastRunAt: string | null;
  lastRun: BackfillLastRun | null;
  /** Fingerprints the backfill holds for this connection (any pepper). */
  recorded: number;
};

const COUNT_KEYS = ['secrets', 'versionsRead', 'fingerprintsRecorded', 'refingerprinted', 'failures'] as const;

function countsOf(detail: unknown): BackfillCounts {
  const d = (detail && typeof detail === 'object' ? detail : {}) as Record<string, unknown>;
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, typeof d[k] === 'number' ? d[k] : 0])) as BackfillCounts;
}

/** What the connection page's backfill section shows. */
export async function backfillSettings(caller: Caller, connectionId: string): Promise<BackfillSettings> {
  await authorize(caller, 'admin.providers', { action: 'fingerprint.backfill_view', targetType: 'provider_connection', targetId: connectionId });
  const id = uuidOrNil(connectionId);
  const connection = await db.providerConnection.findUnique({ where: { id }, select: { fingerprintBackfill: true, fingerprintBackfillAt: true } });
  if (!connection) throw new NotFoundError(NO_CONNECTION);
  const [last, recorded] = await Promise.all([
    db.auditEvent.findFirst({
      where: { action: 'fingerprint.backfill_run', targetType: 'provider_connection', targetId: id },
      orderBy: { id: 'desc' },
      select: { occurredAt: true, outcome: true, detail: true },
    }),
    db.providerVersionFingerprint.count({ where: { connectionId: id } }),
  ]);
  return {
    enabled: connection.fingerprintBackfill,
    lastRunAt: connection.fingerprintBackfillAt?.toISOString() ?? null,
    lastRun: last ? { at: last.occurredAt.toISOString(), outcome: last.outcome === 'success' ? 'success' : 'failed', counts: countsOf(last.detail) } : null,
    recorded,
  };
}

/** Turns the backfill on or off; turning it on sends a run at once (then daily). */
export async function setFingerprintBackfill(caller: Caller, connectionId: string, enabled: boolean): Promise<{ enabled: boolean }> {
  await authorize(caller, 'admin.providers', { action: 'fingerprint.backfill_toggle', targetType: 'provider_connection', targetId: connectionId });
  const turnedOn = await db.$transaction(async (tx) => {
    const before = await lockedRow(
      tx,
      'provider_connections',
      connectionId,
      (id) => tx.providerConnection.findUnique({ where: { id }, select: { id: true, fingerprintBackfill: true } }),
      NO_CONNECTION,
    );
    const changes = changedFields(before, { fingerprintBackfill: enabled }, ['fingerprintBackfill']);
    const audit = { action: 'fingerprint.backfill_toggle', targetType: 'provider_connection', targetId: before.id, changes };
    // Raw, so the connection's updated_at (the settings form's stale-edit check) stays.
    await updateAudited(
      tx,
      caller,
      audit,
      () => tx.$executeRaw`UPDATE provider_connections SET fingerprint_backfill = ${enabled} WHERE id = ${before.id}::uuid`,
    );
    return enabled && !before.fingerprintBackfill;
  });
  if (turnedOn) await sendRun(connectionId);
  return { enabled };
}

/** Runs the backfill now (the worker does it); only while it is on. */
export async function startFingerprintBackfill(caller: Caller, connectionId: string): Promise<{ queued: true }> {
  await authorize(caller, 'admin.providers', { action: 'fingerprint.backfill_start', targetType: 'provider_connection', targetId: connectionId });
  const connection = await db.providerConnection.findUnique({ where: { id: uuidOrNil(connectionId) }, select: { id: true, fingerprintBackfill: true } });
  if (!connection) throw new NotFoundError(NO_CONNECTION);
  if (!connection.fingerprintBackfill) throw new InputError('Turn the fingerprint backfill on first.');
  await recordAudit(db, caller, { action: 'fingerprint.backfill_start', targetType: 'provider_connection', targetId: connection.id });
  await sendRun(connection.id);
  return { queued: true };
}

/** A lost send is not fatal: the daily fan-out runs every connection with the backfill on. */
async function sendRun(connectionId: string): Promise<void> {
  try {
    const boss = await jobSender();
    const data: FingerprintBackfillData = { connectionId };
    await boss.send(QUEUE.fingerprintBackfill, data, fingerprintBackfillSendOptions(connectionId));
  } catch (error) {
    log.warn('could not enqueue a fingerprint backfill; the daily run will do it', { connectionId, error });
  }
}
