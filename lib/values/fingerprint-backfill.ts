// The fingerprint backfill of one provider connection (queue fingerprint-backfill, off by
// default, turned on per connection by an administrator): for each inventory secret of
// the connection, reads its current and previous provider versions once each and keeps
// only their keyed fingerprint (provider_version_fingerprints), so the leak check also
// recognises values written outside the dashboard (before it, or by a provider-native
// rotation). Version rows whose fingerprint was made by an earlier pepper (or before key
// ids existed) are re-fingerprinted under the current pepper while their provider version
// is readable: that is how an old pepper retires (docs/operations.md).
//
// The value lives only in this job's memory, inside a SecretValue, for the HMAC. A version
// already fingerprinted under the current pepper is never read again, and every
// fingerprint is stored as soon as it is made, so a run cut short (a worker dying, the
// provider throttling) resumes without reading twice. Provider calls are paced.
import 'server-only';
import { pacer, realSleep, ThrottledError, type Sleep } from '@/lib/access/pacer';
import { recordAudit } from '@/lib/audit/record';
import { callerFor } from '@/lib/auth/caller';
import type { Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { log } from '@/lib/log';
import { providerFor } from '@/lib/providers';
import { connectionConfigOf } from '@/lib/providers/connection-config';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import type { ProviderVersion, SecretProvider } from '@/lib/providers/types';
import { currentFingerprintKey, fingerprintWith, type FingerprintKey } from './fingerprint';

export const BACKFILL_CALLER = callerFor(null, { ip: null, userAgent: 'fingerprint-backfill', requestId: null });

export type BackfillCounts = {
  /** Inventory secrets of the connection looked at. */
  secrets: number;
  /** Provider versions whose value was read. */
  versionsRead: number;
  /** Fingerprints recorded in provider_version_fingerprints. */
  fingerprintsRecorded: number;
  /** Version rows re-fingerprinted under the current pepper. */
  refingerprinted: number;
  /** Secrets whose provider calls failed (the run records a job fault). */
  failures: number;
};

export type BackfillResult = {
  status: 'completed' | 'failed' | 'skipped';
  counts: BackfillCounts;
  code?: ProviderErrorCode;
  message?: string;
};

export type BackfillOptions = {
  sleep?: Sleep;
  /** Minimum gap between provider calls (GetSecretValue / AccessSecretVersion quotas). */
  minIntervalMs?: number;
  throttleRetries?: number;
  backoffMs?: number;
};

const zeroCounts = (): BackfillCounts => ({ secrets: 0, versionsRead: 0, fingerprintsRecorded: 0, refingerprinted: 0, failures: 0 });

type Stage = 'current' | 'previous';

/** The versions to hold fingerprints of: the current one and the one before it. */
export function currentAndPrevious(kind: 'aws' | 'gcp' | 'local', versions: ProviderVersion[]): { versionId: string; stage: Stage }[] {
  const current = versions.find((v) => v.current);
  const picked: { versionId: string; stage: Stage }[] = current ? [{ versionId: current.versionId, stage: 'current' }] : [];
  const previous =
    kind === 'aws'
      ? versions.find((v) => v.labels.includes('AWSPREVIOUS'))
      : versions.slice(current ? versions.indexOf(current) + 1 : 0).find((v) => v.state === 'enabled');
  if (previous && previous.versionId !== current?.versionId) picked.push({ versionId: previous.versionId, stage: 'previous' });
  return picked;
}

/** A version the provider still hands out by id (AWS keeps unlabelled versions readable). */
const readable = (v: ProviderVersion) => v.state === 'enabled' || v.state === 'deprecated';

/** Runs the backfill of one connection once; skipped when the connection has it off. */
export async function runFingerprintBackfill(connectionId: string, clock: Clock, options: BackfillOptions = {}): Promise<BackfillResult> {
  const counts = zeroCounts();
  const connection = await db.providerConnection.findUnique({ where: { id: connectionId } });
  if (!connection?.fingerprintBackfill) return { status: 'skipped', counts };
  const provider = providerFor(connectionConfigOf(connection), { connectionId: connection.id });
  const key = currentFingerprintKey();
  const pace = pacer({
    minIntervalMs: options.minIntervalMs ?? 200,
    throttleRetries: options.throttleRetries ?? 4,
    backoffMs: options.backoffMs ?? 1000,
    sleep: options.sleep ?? realSleep,
  });
  const call = <T>(work: () => Promise<T>) => pace(work, (error) => error instanceof ProviderError && error.code === 'throttled');

  const secrets = await db.secret.findMany({
    where: { connectionId, providerRef: { not: '' } },
    select: { id: true, providerRef: true },
    orderBy: { id: 'asc' },
  });
  let firstFailure: ProviderError | null = null;
  let stopped = false;
  for (const secret of secrets) {
    counts.secrets += 1;
    try {
      await backfillSecret(secret, connection.id, connection.kind, provider, key, call, counts);
    } catch (error) {
      counts.failures += 1;
      const failure = error instanceof ThrottledError ? new ProviderError('throttled', THROTTLED) : error instanceof ProviderError ? error : null;
      if (!failure) log.error('fingerprint backfill failed unexpectedly for a secret', { connectionId, secretId: secret.id, error });
      else
        log.warn('fingerprint backfill could not read a secret', { connectionId, secretId: secret.id, code: failure.code, providerCode: failure.providerCode });
      firstFailure ??= failure ?? new ProviderError('unknown', UNEXPECTED);
      // Throttling that outlasts the backoff, or an identity not allowed to read: the next run resumes.
      if (error instanceof ThrottledError) {
        stopped = true;
        break;
      }
    }
  }

  const now = clock.now();
  const status = firstFailure ? 'failed' : 'completed';
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`UPDATE provider_connections SET fingerprint_backfill_at = ${now} WHERE id = ${connectionId}::uuid`;
    await recordAudit(tx, BACKFILL_CALLER, {
      action: 'fingerprint.backfill_run',
      targetType: 'provider_connection',
      targetId: connectionId,
      outcome: firstFailure ? 'failed' : 'success',
      detail: {
        ...counts,
        connection: connection.name,
        keyId: key.id,
        ...(firstFailure ? { error: firstFailure.code } : {}),
        ...(stopped ? { stopped: true } : {}),
      },
    });
  });
  log.info('fingerprint backfill run', { connectionId, status, ...counts });
  return firstFailure ? { status, counts, code: firstFailure.code, message: firstFailure.message } : { status, counts };
}

const THROTTLED = 'The provider kept throttling the value reads; the next run resumes where this one stopped.';
const UNEXPECTED = "The backfill failed unexpectedly for a secret; the worker's log has the details.";

type Known = { fingerprint: Uint8Array | null; keyId: string | null };

async function backfillSecret(
  secret: { id: string; providerRef: string },
  connectionId: string,
  kind: 'aws' | 'gcp' | 'local',
  provider: SecretProvider,
  key: FingerprintKey,
  call: <T>(work: () => Promise<T>) => Promise<T>,
  counts: BackfillCounts,
): Promise<void> {
  const versions = await call(() => provider.listVersions(secret.providerRef));
  if (versions.length === 0) return;
  const targets = currentAndPrevious(kind, versions);
  const stageOf = new Map(targets.map((t) => [t.versionId, t.stage]));

  const rows = await db.secretVersion.findMany({
    where: { secretId: secret.id },
    select: { providerVersionId: true, fingerprint: true, fingerprintKeyId: true },
  });
  const ours = new Map<string, Known>(rows.map((r) => [r.providerVersionId, { fingerprint: r.fingerprint, keyId: r.fingerprintKeyId }]));
  const recorded = new Set(
    (await db.providerVersionFingerprint.findMany({ where: { secretId: secret.id, keyId: key.id }, select: { providerVersionId: true } })).map(
      (r) => r.providerVersionId,
    ),
  );

  // Our own rows with a fingerprint from an earlier pepper (or none recorded), still readable.
  const stale = versions.filter((v) => {
    const row = ours.get(v.versionId);
    return readable(v) && row?.fingerprint && row.keyId !== key.id;
  });
  // Current and previous versions we hold no fingerprint of under the current pepper.
  const missing = targets.filter((t) => {
    const row = ours.get(t.versionId);
    if (row?.fingerprint) return false; // ours: the row is the fingerprint (stale ones above)
    return !recorded.has(t.versionId);
  });

  for (const version of [...new Set([...stale.map((v) => v.versionId), ...missing.map((t) => t.versionId)])]) {
    const value = await call(() => provider.readValue(secret.providerRef, version));
    counts.versionsRead += 1;
    const fingerprint = fingerprintWith(key, value.reveal());
    if (ours.get(version)?.fingerprint) {
      await db.$executeRaw`
        UPDATE secret_versions SET fingerprint = ${Buffer.from(fingerprint)}, fingerprint_key_id = ${key.id}
        WHERE secret_id = ${secret.id}::uuid AND provider_version_id = ${version} AND fingerprint IS NOT NULL
          AND (fingerprint_key_id IS NULL OR fingerprint_key_id <> ${key.id})`;
      counts.refingerprinted += 1;
    } else {
      const stage = stageOf.get(version) ?? 'previous';
      await db.$transaction([
        db.$executeRaw`
          INSERT INTO provider_version_fingerprints (secret_id, connection_id, provider_version_id, fingerprint, key_id, stage)
          VALUES (${secret.id}::uuid, ${connectionId}::uuid, ${version}, ${Buffer.from(fingerprint)}, ${key.id}, ${stage})
          ON CONFLICT (secret_id, provider_version_id, key_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, stage = EXCLUDED.stage,
            connection_id = EXCLUDED.connection_id, recorded_at = now()`,
        // The same version under an earlier pepper: retired now.
        db.$executeRaw`DELETE FROM provider_version_fingerprints WHERE secret_id = ${secret.id}::uuid AND provider_version_id = ${version} AND key_id <> ${key.id}`,
      ]);
      counts.fingerprintsRecorded += 1;
    }
  }

  // Stages move with rotations: the version current now is "current", every other one "previous".
  const current = targets.find((t) => t.stage === 'current')?.versionId ?? null;
  await db.$executeRaw`
    UPDATE provider_version_fingerprints SET stage = CASE WHEN provider_version_id = ${current} THEN 'current' ELSE 'previous' END
    WHERE secret_id = ${secret.id}::uuid AND stage <> CASE WHEN provider_version_id = ${current} THEN 'current' ELSE 'previous' END`;
}

/** Connections with the backfill on (the daily fan-out). */
export async function backfillConnections(): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT id FROM provider_connections WHERE fingerprint_backfill ORDER BY name`;
  return rows.map((r) => r.id);
}
