// The worker's sweep for attempts whose process died between the provider call and the
// commit (a crash, a kill, a deploy): a pending_value_writes row past its settle-after
// time is settled from the provider's answer, without the value.
// - Value write: AWS and local find the version written with the attempt's token; GCP
//   takes the newest unrecorded version since the attempt started (the write service's
//   lost-write logic). Found: the version row (fingerprint only for a token match, where
//   the version certainly holds the submitted value), the secret's last-rotated and
//   next-due dates, and a "recovered" audit event naming who submitted it. Not found:
//   a failed "did not happen" event.
// - Version change: the provider's state is compared with the intended change.
// Each row is settled in one transaction that holds its row lock from the check to the
// commit (FOR UPDATE SKIP LOCKED): several workers each take other rows, and the
// request, if still alive, waits for it and then records nothing twice. A provider that
// cannot be asked leaves the row for the next pass.
import 'server-only';
import type { PendingValueWrite } from '@/generated/prisma/client';
import type { AuditEntry } from '@/lib/audit/record';
import { recordAudit } from '@/lib/audit/record';
import { callerFor } from '@/lib/auth/caller';
import { releaseApprovalIn } from '@/lib/data/approvals';
import { invalidateListCounts } from '@/lib/db/list-counts-cache';
import { db, type Tx } from '@/lib/db';
import { log } from '@/lib/log';
import { ProviderError } from '@/lib/providers/errors';
import { replacedCredentialColumns } from '@/lib/rotation/next-due';
import { ATTEMPT_BUDGET_MS, findLostWrite, versionChangeShows, type VersionChange } from '@/lib/values/write-service';

/** Rows settled per pass at most: the rest wait for the next pass (seconds later). */
const ROWS_PER_PASS = 50;

const SWEEP_CALLER = callerFor(null, { ip: null, userAgent: 'pending-write-sweep', requestId: null });

export type SettleOutcome = 'recovered' | 'did_not_happen' | 'already_recorded';

/** One pass: settles every due row it can; throws (after trying all) if some provider could not be asked. */
export async function settlePendingWrites(): Promise<{ settled: number }> {
  const tried: string[] = [];
  const unreachable: string[] = [];
  let settled = 0;
  while (tried.length < ROWS_PER_PASS) {
    const result = await settleNext(tried);
    if (result === null) break;
    if (result.ok) settled++;
    else unreachable.push(result.reason);
  }
  if (unreachable.length) {
    throw new Error(`${unreachable.length} pending write(s) could not be checked at their provider, retrying: ${unreachable[0]}`);
  }
  return { settled };
}

type Result = { ok: true; outcome: SettleOutcome } | { ok: false; reason: string };

async function settleNext(tried: string[]): Promise<Result | null> {
  const result = await db.$transaction(
    async (tx): Promise<Result | null> => {
      const [due] = await tx.$queryRaw<{ idempotency_token: string }[]>`
        SELECT idempotency_token FROM pending_value_writes
        WHERE settle_after IS NOT NULL AND settle_after < now() AND NOT (idempotency_token = ANY(${tried}::uuid[]))
        ORDER BY settle_after LIMIT 1 FOR UPDATE SKIP LOCKED`;
      if (!due) return null;
      tried.push(due.idempotency_token);
      const row = await tx.pendingValueWrite.findUniqueOrThrow({ where: { idempotencyToken: due.idempotency_token } });
      try {
        return { ok: true, outcome: await settle(tx, row) };
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        return { ok: false, reason: `${error.code}: ${error.message}` };
      }
    },
    // The provider is asked while the row is locked: one call, bounded by PROVIDER_TIMEOUT_MS.
    { maxWait: 10_000, timeout: ATTEMPT_BUDGET_MS() + 15_000 },
  );
  if (result?.ok && result.outcome === 'recovered') invalidateListCounts();
  return result;
}

/** A reference outside its connection is refused before any provider call (the request's
 *  was refused the same way): nothing can have happened. Any other failure propagates. */
const refusedBeforeAnyCall =
  <T>(nothing: T) =>
  (error: unknown): T => {
    if (error instanceof ProviderError && error.code === 'invalid') return nothing;
    throw error;
  };

async function settle(tx: Tx, row: PendingValueWrite): Promise<SettleOutcome> {
  const token = row.idempotencyToken;
  const secret = await tx.secret.findUnique({
    where: { id: row.secretId },
    select: {
      id: true,
      lastRotatedAt: true,
      rotationIntervalDays: true,
      classification: true,
      reminderDays: true,
      expiresAt: true,
      createdAt: true,
      environment: { select: { name: true } },
    },
  });
  const connection = row.connectionId
    ? await tx.providerConnection.findUnique({
        where: { id: row.connectionId },
        select: { id: true, name: true, kind: true, region: true, roleArn: true, projectId: true, location: true, endpoint: true },
      })
    : null;
  const common = {
    targetType: 'secret',
    targetId: row.secretId,
    environment: secret?.environment.name ?? null,
    // The person who submitted it; the detail says the worker recorded it.
    actor: { id: row.actorId, email: row.actorEmail, role: row.actorRole },
  } as const;
  const who = { submittedBy: row.actorEmail, settledBy: 'worker', startedAt: row.startedAt.toISOString() };
  const remove = () => tx.pendingValueWrite.delete({ where: { idempotencyToken: token } });

  if (!secret) {
    // The secret is gone (deleted with its history): nothing left to record against.
    await remove();
    return 'did_not_happen';
  }
  if (!connection || !row.providerRef) {
    await remove();
    await recordAudit(tx, SWEEP_CALLER, {
      ...common,
      action: row.kind === 'value_write' ? 'secret.value_write_abandoned' : 'secret.version_change_abandoned',
      outcome: 'failed',
      detail: { ...who, error: 'connection_deleted' },
    });
    return 'did_not_happen';
  }
  const target = { secretId: row.secretId, connection, providerRef: row.providerRef };

  if (row.kind === 'version_change') {
    const change = { change: row.change, versionId: row.versionId ?? '' } as VersionChange;
    const shows = await versionChangeShows(target, change).catch(refusedBeforeAnyCall(false));
    await remove();
    await recordAudit(tx, SWEEP_CALLER, {
      ...common,
      action: shows ? 'secret.version_change_recovered' : 'secret.version_change_abandoned',
      outcome: shows ? 'success' : 'failed',
      detail: { ...who, change: change.change, versionId: change.versionId, provider: connection.kind, connection: connection.name },
    });
    log.info('settled a version change left by a dead process', { secretId: row.secretId, happened: shows });
    return shows ? 'recovered' : 'did_not_happen';
  }

  const recorded = await tx.secretVersion.findUnique({ where: { idempotencyToken: token }, select: { id: true } });
  if (recorded) {
    await remove();
    return 'already_recorded';
  }
  const found = await findLostWrite(target, { token, startedAt: row.startedAt }).catch(refusedBeforeAnyCall(null));
  const detail = { ...who, source: row.source, provider: connection.kind, connection: connection.name, note: row.note || null };
  if (!found) {
    await remove();
    await recordAudit(tx, SWEEP_CALLER, {
      ...common,
      action: 'secret.value_write_abandoned',
      outcome: 'failed',
      detail: { ...detail, error: 'not_at_provider' },
    });
    // Nothing changed, so the approval it used is the requester's again (as after a failed write).
    if (row.approvalId) {
      await releaseApprovalIn(tx, SWEEP_CALLER, {
        id: row.approvalId,
        secretId: row.secretId,
        environment: common.environment,
        kind: 'value_write',
        for: 'secret.value_write',
        actor: common.actor,
      });
    }
    log.info('settled a value write left by a dead process: it did not reach the provider', { secretId: row.secretId });
    return 'did_not_happen';
  }

  const now = new Date();
  const writtenAt = found.createdAt && found.createdAt < now ? found.createdAt : now;
  await tx.secretVersion.create({
    data: {
      secretId: row.secretId,
      connectionId: connection.id,
      providerRef: row.providerRef,
      providerVersionId: found.versionId,
      idempotencyToken: token,
      source: row.source ?? 'entered',
      fingerprint: found.certain ? row.fingerprint : null,
      fingerprintKeyId: found.certain && row.fingerprint ? row.fingerprintKeyId : null,
      note: row.note,
      createdById: row.actorId,
      createdByEmail: row.actorEmail,
      createdAt: writtenAt,
    },
  });
  // Like the request would have (lib/data/secret-values.ts), but never moving the date back
  // past a write recorded since.
  const moves = !secret.lastRotatedAt || secret.lastRotatedAt < writtenAt;
  if (moves) {
    await tx.secret.update({
      where: { id: secret.id },
      // The value is gone with its process: a certificate's expiry is read again from the provider.
      data: await replacedCredentialColumns(tx, secret, writtenAt),
    });
  }
  await remove();
  const entry: AuditEntry = {
    ...common,
    action: 'secret.value_write_recovered',
    detail: { ...detail, providerVersionId: found.versionId, matchedBy: found.certain ? 'token' : 'time' },
  };
  if (moves) {
    entry.changes = {
      lastRotatedAt: { before: secret.lastRotatedAt?.toISOString() ?? null, after: writtenAt.toISOString() },
      ...(secret.expiresAt ? { expiresAt: { before: secret.expiresAt.toISOString(), after: null } } : {}),
    };
  }
  await recordAudit(tx, SWEEP_CALLER, entry);
  log.info('recovered a value write left by a dead process', { secretId: row.secretId, versionId: found.versionId });
  return 'recovered';
}
