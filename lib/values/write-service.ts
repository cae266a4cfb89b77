// The one door to a provider's write methods. Every value write, label move and version
// change (the Secrets Management tab, manual and automatic rotations, withdrawals and
// rollbacks, the drift report's label fix) goes through here, and nothing else calls
// writeValue, moveLabel, promote, retire, rollback, setVersionEnabled, setLabels or
// startNativeRotation (lib/values/write-service.test.ts greps lib/ and app/ to keep it so).
// Here, in one place:
// - bounds: the reference must stay inside its connection's account/region or project;
//   a person's writes refuse decommissioned secrets and secrets with a rotation in flight;
//   a person may only enable/disable old versions or roll back to the previous one (no
//   label strings, no AWSPENDING/AWSCURRENT moves outside a rotation);
// - the reuse rules (lib/values/reuse.ts) and the keyed fingerprint callers record;
// - the provider secret's labels and description;
// - lost-write recovery for providers without idempotency tokens (GCP).
// Callers record what this returns (version rows, audit) in their own transaction.
import 'server-only';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { InputError } from '@/lib/errors';
import { log } from '@/lib/log';
import { connectionConfigOf } from '@/lib/providers/connection-config';
import { ProviderError } from '@/lib/providers/errors';
import { providerFor } from '@/lib/providers/index';
import type { SecretProvider, WrittenVersion } from '@/lib/providers/types';
import type { ConnectionSnapshot } from '@/lib/rotation/inputs';
import type { SecretValue } from '@/lib/secret-value';
import { refOutsideConnection } from '@/lib/validation/provider-ref';
import { currentFingerprintKey, fingerprintWith } from './fingerprint';
import { checkedReuse } from './reuse';

export const MANAGED_BY = 'secret-inventory';

/** Where a value goes: the secret (for labels and the reuse rules) and the reference and
 *  connection to use, live (a person's write) or fixed at the start of a run. */
export type WriteTarget = {
  secretId: string;
  name: string;
  environment: string;
  ownerTeam: string;
  connection: ConnectionSnapshot;
  providerRef: string;
};

/** The labels the dashboard puts on every provider secret it writes (before the adapter
 *  sanitises them to the provider's alphabet). */
export function managedLabelsOf(target: Pick<WriteTarget, 'ownerTeam' | 'environment'>): Record<string, string> {
  return { owner: target.ownerTeam, environment: target.environment, 'managed-by': MANAGED_BY };
}

/** The provider methods that only read, for callers that need to look before writing. */
export type ProviderReader = Pick<
  SecretProvider,
  'kind' | 'supportsStaging' | 'nativeIdempotency' | 'listVersions' | 'versionWrittenWith' | 'currentVersionId' | 'readValue' | 'nativeRotationStatus'
>;

/** The adapter for `target`, after checking the reference stays inside its connection. */
function adapterOf(target: Pick<WriteTarget, 'connection' | 'providerRef'>): SecretProvider {
  const problem = refOutsideConnection(target.connection, target.providerRef);
  if (problem) throw new ProviderError('invalid', `${problem} Nothing was written.`);
  return providerFor(connectionConfigOf(target.connection), { connectionId: target.connection.id });
}

/** Reading (versions, the current one, a value for a rotation step), within the same bounds. */
export function readerFor(target: Pick<WriteTarget, 'connection' | 'providerRef'>): ProviderReader {
  return adapterOf(target);
}

// ---------------------------------------------------------------------------
// A person's writes (Secrets Management tab)

/** The secret's state that decides whether a person may write now. */
export type WriteGate = { status: string; activeRotationId: string | null };

/** Refuses a person's value write or version change on a decommissioned secret or while a
 *  rotation of it runs (the run owns the secret's versions until it ends). */
export function assertPersonMayWrite(gate: WriteGate): void {
  if (gate.status === 'decommissioned') throw new InputError('This secret is decommissioned: its values and versions cannot change.');
  if (gate.activeRotationId) {
    throw new InputError(
      `Rotation ${gate.activeRotationId.slice(0, 8)} of this secret is in progress: its values and versions cannot change until it finishes or is cancelled.`,
    );
  }
}

/**
 * A person's attempt (value write or version change) must have ended, provider call
 * included, before its pending row's settle-after time, when the worker's sweep
 * (lib/jobs/settle-pending-writes.ts) may decide what happened. So the provider write may only start
 * while there is still room for its slowest answer (GCP, creating the secret: up to three
 * calls of PROVIDER_TIMEOUT_MS each; AWS: one deadline for the whole write); past that
 * the attempt stops before writing.
 */
function assertStillInBudget(startBy: Date | null | undefined): void {
  if (startBy && Date.now() > startBy.getTime()) {
    throw new ProviderError('timeout', 'This save took too long before reaching the provider and was stopped. Nothing was written: submit again.');
  }
}

/** How long after its pending row an attempt may still be in flight, and how late in that
 *  budget its provider write may start (see assertStillInBudget): the checks before the
 *  write (a lost-write lookup or the version list: one call) get two deadlines, the
 *  write three. With the default 10 s deadline a dead server's write settles ~50 s later. */
export const ATTEMPT_BUDGET_MS = () => 5 * env().PROVIDER_TIMEOUT_MS;
export const WRITE_START_MARGIN_MS = () => 3 * env().PROVIDER_TIMEOUT_MS;

// ---------------------------------------------------------------------------
// Writing a value

export type WriteRequest = {
  value: SecretValue;
  /** Per submit or per run: AWS/local dedupe it (a replay lands on the same version). */
  token: string;
  /** 'pending' (rotations that verify before promoting): AWS keeps it as AWSPENDING. */
  stage: 'current' | 'pending';
  /** Generated values: a version this call did not write itself (adopted, or a token
   *  replay of an earlier attempt) holds some other value, so it gets no fingerprint. */
  generated: boolean;
  /** Set when an earlier attempt with this token may have reached the provider: for
   *  providers without tokens, the newest version written since then that no row
   *  records (and not in `exclude`) is adopted instead of writing again. */
  retrySince: Date | null;
  exclude?: readonly (string | null)[];
  /** Who writes and as which audited action: a refused reuse is audited and counted against them. */
  by: { caller: Caller; action: string };
  /** A person's write: the provider write must start by then (assertStillInBudget). */
  startBy?: Date | null;
};

export type WriteOutcome = WrittenVersion & {
  /** What to store on the version row; null when the stored value is not this one. */
  fingerprint: Uint8Array<ArrayBuffer> | null;
  /** The key id of the pepper that made `fingerprint` (null with it). */
  fingerprintKeyId: string | null;
  adopted: boolean;
  /** Other secrets with the same value (a warning); same name in another environment is refused. */
  otherSecrets: number;
};

export async function writeValue(target: WriteTarget, request: WriteRequest): Promise<WriteOutcome> {
  const provider = adapterOf(target);
  const key = currentFingerprintKey();
  const fingerprint = fingerprintWith(key, request.value.reveal());
  const reuse = await checkedReuse(
    request.by.caller,
    request.by.action,
    { id: target.secretId, name: target.name, environment: target.environment },
    request.value,
  );
  const adopted =
    request.retrySince && !provider.nativeIdempotency ? await adoptLostVersion(provider, target, request.retrySince, request.exclude ?? []) : null;
  if (!adopted) assertStillInBudget(request.startBy);
  const written =
    adopted ??
    (await provider.writeValue({
      ref: target.providerRef,
      value: request.value,
      idempotencyToken: request.token,
      stage: request.stage,
      labels: managedLabelsOf(target),
      description: `${target.name} (${target.environment}), managed by the secret inventory`,
    }));
  const unseen = request.generated && (adopted !== null || request.retrySince !== null);
  return {
    ...written,
    fingerprint: unseen ? null : fingerprint,
    fingerprintKeyId: unseen ? null : key.id,
    adopted: adopted !== null,
    otherSecrets: reuse.otherSecrets,
  };
}

/**
 * What became of a write whose process died before recording it (the worker's sweep,
 * lib/jobs/settle-pending-writes.ts). AWS and local: the version written with its token, a certain
 * match. GCP: the newest unrecorded version since the attempt started, as a retried
 * submit would adopt it; not certain (someone else may have written then), so the caller
 * records no fingerprint for it. Null: the write did not happen.
 */
export async function findLostWrite(
  target: Pick<WriteTarget, 'secretId' | 'connection' | 'providerRef'>,
  attempt: { token: string; startedAt: Date },
): Promise<{ versionId: string; createdAt: Date | null; certain: boolean } | null> {
  const provider = adapterOf(target);
  if (provider.nativeIdempotency) {
    const version = await provider.versionWrittenWith(target.providerRef, attempt.token);
    return version ? { versionId: version.versionId, createdAt: version.createdAt, certain: true } : null;
  }
  const adopted = await adoptLostVersion(provider, target, attempt.startedAt, []);
  return adopted ? { versionId: adopted.versionId, createdAt: adopted.createdAt, certain: false } : null;
}

/** The newest version that appeared since a lost attempt started and that neither a row
 *  records nor `exclude` names (a little slack for clock skew between us and the provider). */
async function adoptLostVersion(
  provider: SecretProvider,
  target: Pick<WriteTarget, 'secretId' | 'providerRef'>,
  since: Date,
  exclude: readonly (string | null)[],
) {
  const versions = await provider.listVersions(target.providerRef);
  const known = new Set(
    (await db.secretVersion.findMany({ where: { secretId: target.secretId }, select: { providerVersionId: true } })).map((v) => v.providerVersionId),
  );
  const candidate = versions.find(
    (v) => v.createdAt && v.createdAt.getTime() >= since.getTime() - 5_000 && !known.has(v.versionId) && !exclude.includes(v.versionId),
  );
  if (!candidate) return null;
  log.info('adopted a version written by an attempt whose answer was lost', { secretId: target.secretId, versionId: candidate.versionId });
  return { versionId: candidate.versionId, createdAt: candidate.createdAt ?? new Date(), createdSecret: false };
}

// ---------------------------------------------------------------------------
// A person's version changes

export type VersionChange = { change: 'enable' | 'disable' | 'make_current'; versionId: string };

/**
 * Enable or disable an old version (GCP, local), or make the previous version current
 * again (AWS: the one holding AWSPREVIOUS; that is a rollback, and the only label move a
 * person makes). The version must be one of this secret's at the provider.
 */
export async function changeVersion(target: WriteTarget, gate: WriteGate, change: VersionChange, startBy: Date | null = null): Promise<void> {
  assertPersonMayWrite(gate);
  const provider = adapterOf(target);
  const versions = await provider.listVersions(target.providerRef);
  const version = versions.find((v) => v.versionId === change.versionId);
  if (!version) throw new InputError('This version does not belong to this secret at the provider. Reload the page.');
  if (version.labels.includes('AWSPENDING')) throw new InputError('This version is pending a rotation: only the rotation may change it.');
  if (change.change === 'make_current') {
    if (provider.kind !== 'aws') throw new InputError('Here the newest enabled version is current: write a new value instead.');
    if (version.current) return;
    if (!version.labels.includes('AWSPREVIOUS')) {
      throw new InputError('Only the previous version (AWSPREVIOUS) can be made current again. For anything else, write a new value.');
    }
    assertStillInBudget(startBy);
    await provider.moveLabel(target.providerRef, 'AWSCURRENT', version.versionId);
    return;
  }
  if (provider.kind === 'aws') throw new InputError('AWS versions are not enabled or disabled: they are current, previous or deprecated.');
  if (change.change === 'disable' && version.current) {
    throw new InputError('This is the current version. Write a new value first, then disable this one.');
  }
  assertStillInBudget(startBy);
  await provider.setVersionEnabled(target.providerRef, version.versionId, change.change === 'enable');
}

/** Whether the provider now shows `change` as made (the sweep's check after a crash):
 *  enabled/disabled, or current. A version that is gone shows no change. */
export async function versionChangeShows(target: Pick<WriteTarget, 'connection' | 'providerRef'>, change: VersionChange): Promise<boolean> {
  const version = (await adapterOf(target).listVersions(target.providerRef)).find((v) => v.versionId === change.versionId);
  if (!version) return false;
  if (change.change === 'make_current') return version.current;
  return change.change === 'enable' ? version.state === 'enabled' : version.state === 'disabled';
}

// ---------------------------------------------------------------------------
// Labels (the drift report's "write tags to the provider")

/**
 * Puts the managed labels back on an existing provider secret (owner, environment,
 * managed-by), within the same reference bounds as a value write; the secret's other
 * labels stay. A decommissioned secret is refused: nobody should be told it is managed.
 * Returns the labels asked for, for the caller's audit event (names, never values).
 */
export async function writeLabels(target: WriteTarget, gate: Pick<WriteGate, 'status'>): Promise<Record<string, string>> {
  if (gate.status === 'decommissioned') throw new InputError('This secret is decommissioned: its provider labels are not changed any more.');
  const labels = managedLabelsOf(target);
  await adapterOf(target).setLabels(target.providerRef, labels);
  return labels;
}

// ---------------------------------------------------------------------------
// Rotation steps (lib/rotation/engine.ts, lib/data/rotations.ts): the target is the run's
// fixed inputs, never the live secret.

export async function startNativeRotation(target: WriteTarget, token: string, lambdaArn: string | undefined): Promise<{ versionId: string }> {
  return adapterOf(target).startNativeRotation(target.providerRef, token, lambdaArn);
}

export async function promoteVersion(target: WriteTarget, versionId: string): Promise<void> {
  await adapterOf(target).promote(target.providerRef, versionId);
}

export async function retireVersion(target: WriteTarget, versionId: string): Promise<void> {
  await adapterOf(target).retire(target.providerRef, versionId);
}

/** Within a run's grace period: the previous version current again, the new one retired. */
export async function rollBackRun(
  target: WriteTarget,
  run: { previousVersionId: string; newVersionId: string },
  token: string,
): Promise<{ currentVersionId: string }> {
  return adapterOf(target).rollback(target.providerRef, run.previousVersionId, run.newVersionId, token);
}

/** Takes back a run's new version that was never promoted: AWS drops its AWSPENDING label;
 *  GCP and local (where it is already current) restore the previous value, or disable the
 *  version when it is the secret's first. */
export async function withdrawRunVersion(
  target: WriteTarget,
  run: { newVersionId: string | null; previousVersionId: string | null },
  token: string,
): Promise<void> {
  if (!run.newVersionId) return;
  const provider = adapterOf(target);
  if (provider.supportsStaging) await provider.retire(target.providerRef, run.newVersionId);
  else if (run.previousVersionId) await provider.rollback(target.providerRef, run.previousVersionId, run.newVersionId, token);
  else await provider.setVersionEnabled(target.providerRef, run.newVersionId, false);
}
