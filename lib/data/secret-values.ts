// Writing secret values (the Secrets Management tab) and managing provider versions.
// The value travels: action -> here (as a SecretValue) -> provider adapter -> cloud.
// What is kept: a version row (provider version id, who, when, source, keyed
// fingerprint) written only after the provider confirmed the write, and an audit event
// in the same transaction. Results are metadata only.
//
// Retries: each submit carries an idempotency token. A pending row keyed by it is
// inserted before the provider call, so a double submit cannot write twice at once;
// a replay of a finished submit returns the recorded version; a submit whose provider
// call ended without an answer (timeout, dropped connection, crash) is reconciled:
// AWS and local dedupe the token themselves, GCP is asked which versions appeared
// since the attempt started and the newest unrecorded one is adopted. The provider
// calls, bounds and reuse rules live in the write service (lib/values/write-service.ts).
//
// Crashes: the pending row holds everything needed to settle the attempt without its
// value (lib/values/pending-writes.ts), and a version change gets one too. When the
// process dies between the provider call and the commit, the worker's sweep
// (lib/jobs/settle-pending-writes.ts) asks the provider and records the outcome within
// seconds of the attempt's budget running out. Whichever of the request and the sweep
// takes the row records the outcome; the other records nothing.
import 'server-only';
import type { ValueSource } from '@/generated/prisma/enums';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import { authorizeActionOn, authorizeForSecret } from '@/lib/auth/team-scope';
import { claimApproval } from './approvals';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { AuditedInputError, InputError, NotFoundError } from '@/lib/errors';
import { ProviderError } from '@/lib/providers/errors';
import { crashPoint } from '@/lib/crash-point';
import type { ProviderVersion } from '@/lib/providers/types';
import { SecretValue } from '@/lib/secret-value';
import { parseInput } from '@/lib/validation/parse';
import { replacedCredentialColumns } from '@/lib/rotation/next-due';
import { certificateOfValue } from '@/lib/values/certificate';
import { checkEnteredValue, ZValueWrite, ZVersionChange } from '@/lib/validation/secret-value';
import { currentFingerprintKey, fingerprintWith } from '@/lib/values/fingerprint';
import { generateSecretValue } from '@/lib/values/generate';
import { claimPendingWrite, claimVersionChange, forgetPendingWrite, markOutcomeUnknown, pendingSince, takePendingRow } from '@/lib/values/pending-writes';
import { reuseWarning } from '@/lib/values/reuse';
import { assertPersonMayWrite, changeVersion, readerFor, writeValue, type WriteOutcome, type WriteTarget } from '@/lib/values/write-service';
import { uuidOrNil } from '@/lib/validation/ids';
import { invalidatingListCounts } from '@/lib/db/list-counts-cache';

export type WriteResult = {
  versionId: string;
  writtenAt: string;
  /** Set when the same value is already used by other secrets (a warning, not a refusal). */
  warning: string | null;
};

export type VersionRow = {
  versionId: string;
  createdAt: string | null;
  labels: string[];
  state: ProviderVersion['state'];
  current: boolean;
  /** Who wrote it through the dashboard; null for versions written elsewhere. */
  writtenBy: string | null;
  source: ValueSource | null;
  note: string | null;
};

export type VersionList = {
  provider: 'aws' | 'gcp' | 'local' | null;
  versions: VersionRow[];
  /** The provider could not be asked; `versions` then holds only our own records. */
  providerError: string | null;
};

// ---------------------------------------------------------------------------
// Loading

async function loadTarget(secretId: string) {
  const secret = await db.secret.findUnique({
    where: { id: uuidOrNil(secretId) },
    select: {
      id: true,
      name: true,
      status: true,
      activeRotationId: true,
      providerRef: true,
      lastRotatedAt: true,
      rotationIntervalDays: true,
      classification: true,
      reminderDays: true,
      expiresAt: true,
      createdAt: true,
      environmentId: true,
      environment: { select: { name: true } },
      ownerTeam: { select: { name: true } },
      connection: {
        select: { id: true, name: true, kind: true, region: true, roleArn: true, projectId: true, location: true, endpoint: true },
      },
    },
  });
  if (!secret) throw new NotFoundError('This secret does not exist.');
  return secret;
}
type Target = Awaited<ReturnType<typeof loadTarget>>;

/** The write service's target for a person's write: the secret's live reference. */
function connected(secret: Target): WriteTarget {
  if (!secret.connection || !secret.providerRef) {
    throw new InputError('This secret is not connected to a provider yet. Edit it, choose a connection and a provider reference, then come back.');
  }
  return {
    secretId: secret.id,
    name: secret.name,
    environment: secret.environment.name,
    ownerTeam: secret.ownerTeam.name,
    connection: secret.connection,
    providerRef: secret.providerRef,
  };
}

export type ValueTarget = {
  connection: { id: string; name: string; kind: 'aws' | 'gcp' | 'local'; where: string } | null;
  providerRef: string;
  writable: boolean;
  /** A write or version change of this secret is still being confirmed (its request is in
   *  flight, or its server died and the worker settles it): since when. */
  confirmingSince: string | null;
};

/** Where values for this secret go, for the Secrets Management tab's heading. */
export async function getValueTarget(caller: Caller, secretId: string): Promise<ValueTarget> {
  await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const secret = await loadTarget(secretId);
  const confirmingSince = await pendingSince(secret.id);
  const c = secret.connection;
  const where = !c
    ? ''
    : c.kind === 'aws'
      ? (c.region ?? '')
      : c.kind === 'gcp'
        ? `project ${c.projectId}${c.location ? `, ${c.location}` : ''}`
        : 'development only';
  return {
    connection: c ? { id: c.id, name: c.name, kind: c.kind, where } : null,
    providerRef: secret.providerRef,
    writable: Boolean(c && secret.providerRef) && secret.status !== 'decommissioned',
    confirmingSince: confirmingSince?.toISOString() ?? null,
  };
}

// ---------------------------------------------------------------------------
// Writing a value

/**
 * Writes a new value for a secret. `rawValue` is the entered value (mode 'enter') and is
 * ignored when generating. Never returns, logs or stores the value.
 */
export async function writeSecretValue(caller: Caller, secretId: string, raw: unknown, rawValue: unknown): Promise<WriteResult> {
  const user = await authorizeActionOn(caller, 'secrets.value.write', 'secret.value_write', { secretId });
  const input = parseInput(ZValueWrite, raw);
  const secret = await loadTarget(secretId);
  const target = connected(secret);

  const recorded = await db.secretVersion.findUnique({ where: { idempotencyToken: input.idempotencyToken } });
  if (recorded) {
    if (recorded.secretId !== secret.id) throw new InputError('The form is out of date: reload the page and submit again.');
    return { versionId: recorded.providerVersionId, writtenAt: recorded.createdAt.toISOString(), warning: null };
  }
  const audit = { action: 'secret.value_write', targetType: 'secret', targetId: secret.id, environment: secret.environment.name } as const;
  try {
    assertPersonMayWrite(secret);
  } catch (error) {
    await recordAudit(db, caller, { ...audit, outcome: 'failed', detail: { error: 'refused' } });
    throw error;
  }

  const value = input.mode === 'enter' ? new SecretValue(checkEnteredValue(rawValue)) : generateSecretValue(input.alphabet, input.length);
  const source: ValueSource = input.mode === 'enter' ? 'entered' : 'generated';
  const kind = target.connection.kind;
  // A certificate chain's expiry, read while the value is in memory (never stored itself).
  const certificate = certificateOfValue(value);

  // The two-person rule (./approvals.ts): uses the caller's approval, if the policy asks for one.
  const approval = await claimApproval(caller, user, secret.id, 'value_write', { action: 'secret.value_write', targetType: 'secret', targetId: secret.id });
  const fingerprintKey = currentFingerprintKey();
  const fingerprint = fingerprintWith(fingerprintKey, value.reveal());
  const intent = {
    kind: 'value_write',
    secretId: secret.id,
    connectionId: target.connection.id,
    providerRef: target.providerRef,
    source,
    note: input.note,
    fingerprint,
    fingerprintKeyId: fingerprintKey.id,
    approvalId: approval.id,
  } as const;
  const pending = await approval.releasedOnFailure(claimPendingWrite(input.idempotencyToken, intent, user, source === 'generated' ? null : fingerprint));
  crashPoint('value_write:before_provider');
  let written: WriteOutcome;
  try {
    written = await writeValue(target, {
      value,
      token: input.idempotencyToken,
      stage: 'current',
      generated: source === 'generated',
      retrySince: pending.reconcile ? pending.startedAt : null,
      by: { caller, action: 'secret.value_write' },
      startBy: pending.startBy,
    });
  } catch (error) {
    const outcomeUnknown = error instanceof ProviderError && (error.code === 'timeout' || error.code === 'unavailable');
    await (outcomeUnknown ? markOutcomeUnknown : forgetPendingWrite)(input.idempotencyToken);
    await approval.release();
    if (error instanceof AuditedInputError) throw error;
    const code = error instanceof ProviderError ? error.code : error instanceof InputError ? 'refused' : 'unknown';
    await recordAudit(db, caller, { ...audit, outcome: 'failed', detail: { source, provider: kind, error: code } });
    throw error;
  }

  crashPoint('value_write:after_provider');
  const now = new Date();
  const replayed = await db
    .$transaction(async (tx) => {
      // The sweep may have settled this attempt while we were slow (it waits for the row's
      // settle-after time): then its version row stands and we record nothing twice. A row
      // it settled as "did not happen" although the provider took the write is recorded
      // here anyway: the provider's answer is the truth.
      await takePendingRow(tx, input.idempotencyToken);
      const settled = await tx.secretVersion.findUnique({ where: { idempotencyToken: input.idempotencyToken } });
      if (settled) return settled;
      await tx.secretVersion.create({
        data: {
          secretId: secret.id,
          connectionId: target.connection.id,
          providerRef: target.providerRef,
          providerVersionId: written.versionId,
          idempotencyToken: input.idempotencyToken,
          source,
          fingerprint: written.fingerprint,
          fingerprintKeyId: written.fingerprintKeyId,
          note: input.note,
          createdById: user.id,
          createdByEmail: user.email,
          createdAt: now,
        },
      });
      const dates = await replacedCredentialColumns(tx, secret, now, certificate);
      await tx.secret.update({ where: { id: secret.id }, data: dates });
      await recordAudit(tx, caller, {
        ...audit,
        changes: {
          lastRotatedAt: { before: secret.lastRotatedAt?.toISOString() ?? null, after: now.toISOString() },
          ...(secret.expiresAt || dates.expiresAt
            ? { expiresAt: { before: secret.expiresAt?.toISOString() ?? null, after: dates.expiresAt?.toISOString() ?? null } }
            : {}),
        },
        detail: {
          source,
          provider: kind,
          connection: target.connection.name,
          providerVersionId: written.versionId,
          createdProviderSecret: written.createdSecret,
          note: input.note || null,
          reusedByOtherSecrets: written.otherSecrets,
        },
      });
      return null;
    })
    .then(invalidatingListCounts);
  if (replayed) return { versionId: replayed.providerVersionId, writtenAt: replayed.createdAt.toISOString(), warning: reuseWarning(written.otherSecrets) };

  return {
    versionId: written.versionId,
    writtenAt: now.toISOString(),
    warning: reuseWarning(written.otherSecrets),
  };
}

// ---------------------------------------------------------------------------
// Versions

export async function listSecretVersions(caller: Caller, secretId: string): Promise<VersionList> {
  await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const secret = await loadTarget(secretId);
  const ours = await db.secretVersion.findMany({
    where: { secretId: secret.id },
    orderBy: { createdAt: 'desc' },
    take: 200,
    select: { providerVersionId: true, providerRef: true, createdAt: true, createdByEmail: true, source: true, note: true },
  });
  const mine = new Map(ours.filter((v) => v.providerRef === secret.providerRef).map((v) => [v.providerVersionId, v]));
  const annotate = (v: ProviderVersion): VersionRow => {
    const row = mine.get(v.versionId);
    return {
      versionId: v.versionId,
      createdAt: v.createdAt?.toISOString() ?? null,
      labels: v.labels,
      state: v.state,
      current: v.current,
      writtenBy: row?.createdByEmail ?? null,
      source: row?.source ?? null,
      note: row?.note || null,
    };
  };
  if (!secret.connection || !secret.providerRef) return { provider: null, versions: [], providerError: null };
  const kind = secret.connection.kind;
  try {
    const provider = readerFor({ connection: secret.connection, providerRef: secret.providerRef });
    return { provider: kind, versions: (await provider.listVersions(secret.providerRef)).map(annotate), providerError: null };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return {
      provider: kind,
      versions: ours.map((v) => ({
        versionId: v.providerVersionId,
        createdAt: v.createdAt.toISOString(),
        labels: [],
        state: 'enabled' as const,
        current: false,
        writtenBy: v.createdByEmail,
        source: v.source,
        note: v.note || null,
      })),
      providerError: error.message,
    };
  }
}

/** Enable/disable an old version (GCP, local) or make the previous version current again
 *  (AWS); the write service decides what is allowed. */
export async function changeSecretVersion(caller: Caller, secretId: string, raw: unknown): Promise<{ versionId: string }> {
  const attempt = { action: 'secret.version_change', targetType: 'secret', targetId: secretId } as const;
  const user = await authorizeForSecret(caller, 'secrets.value.write', attempt, { secretId });
  const change = parseInput(ZVersionChange, raw);
  const secret = await loadTarget(secretId);
  const target = connected(secret);
  const audit = { ...attempt, environment: secret.environment.name };
  const detail = { change: change.change, versionId: change.versionId };
  const pending = await claimVersionChange(
    { kind: 'version_change', secretId: secret.id, connectionId: target.connection.id, providerRef: target.providerRef, ...change },
    user,
  );
  try {
    await changeVersion(target, secret, change, pending.startBy);
  } catch (error) {
    // Without an answer the row stays: the sweep checks the provider and records the outcome.
    const outcomeUnknown = error instanceof ProviderError && (error.code === 'timeout' || error.code === 'unavailable');
    if (!outcomeUnknown) await forgetPendingWrite(pending.token);
    if (error instanceof ProviderError || error instanceof InputError) {
      await recordAudit(db, caller, { ...audit, outcome: 'failed', detail: { ...detail, error: error instanceof ProviderError ? error.code : 'refused' } });
    }
    throw error;
  }
  crashPoint('version_change:after_provider');
  await db.$transaction(async (tx) => {
    // Gone: the sweep already recorded this change (we were slower than its budget).
    if (await takePendingRow(tx, pending.token)) await recordAudit(tx, caller, { ...audit, detail });
  });
  return { versionId: change.versionId };
}
