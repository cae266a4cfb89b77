// Pulls one connection's access events from the provider's own logs into access_events:
// CloudTrail for AWS, Cloud Audit Logs for GCP. Idempotent (events are keyed by the
// provider's event id per connection, duplicates skipped) and resumable: the cursor moves
// only after a run has read every page, and each run starts an overlap window before it,
// so late-delivered events and runs cut short (throttling, a crash) lose nothing.
import 'server-only';
import type { Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { toProviderError } from '@/lib/providers/aws-errors';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import { gcpProviderError } from '@/lib/providers/gcp-errors';
import { auditLogPages, isDataAccessLog, loggingClient, parseAuditEntry } from './audit-log-source';
import { cloudTrailClient, cloudTrailPages, parseCloudTrailEvent } from './cloudtrail-source';
import { awsRefName, awsSecretKey, gcpInScope, gcpRefId, gcpSecretKey } from './identifiers';
import { pacer, realSleep, ThrottledError, type Sleep } from './pacer';
import { READ_EVENTS, type AccessEventInput } from './types';

const DAY = 86_400_000;
/** CloudTrail LookupEvents covers 90 days; a margin keeps StartTime inside the window. */
const AWS_WINDOW_MS = 90 * DAY - 10 * 60_000;
/** Data Access logs stay 30 days in the _Default bucket. */
const GCP_WINDOW_MS = 30 * DAY;
/** Events reach the logs minutes late; each run re-reads this much before the cursor. */
export const OVERLAP_MS = 15 * 60_000;

export type IngestOptions = {
  /** Log API endpoints (emulators, private endpoints); the provider's defaults otherwise. */
  cloudTrailEndpoint?: string;
  loggingEndpoint?: string;
  /** Minimum gap between log API calls (CloudTrail allows 2/s). */
  minIntervalMs?: number;
  throttleRetries?: number;
  backoffMs?: number;
  sleep?: Sleep;
  /** Entries per Logging API page (GCP). */
  pageSize?: number;
};

export type IngestResult = {
  status: 'ok' | 'throttled' | 'failed' | 'skipped';
  fetched: number;
  inserted: number;
  matched: number;
  message?: string;
  /** Why a failed run failed (ProviderErrorCode). */
  code?: ProviderErrorCode;
};

export async function ingestAccessEvents(connectionId: string, clock: Clock, options: IngestOptions = {}): Promise<IngestResult> {
  const connection = await db.providerConnection.findUnique({ where: { id: connectionId } });
  if (!connection || connection.kind === 'local') return { status: 'skipped', fetched: 0, inserted: 0, matched: 0 };
  const now = clock.now();
  const cursor = await db.accessIngestionCursor.upsert({ where: { connectionId }, create: { connectionId }, update: {} });
  const call = pacer({
    minIntervalMs: options.minIntervalMs ?? 500,
    throttleRetries: options.throttleRetries ?? 3,
    backoffMs: options.backoffMs ?? 1000,
    sleep: options.sleep ?? realSleep,
  });

  // Inventory secrets of this connection by normalised reference (never compared literally).
  const secrets = await db.secret.findMany({ where: { connectionId }, select: { id: true, providerRef: true } });
  const byKey = new Map<string, string>();
  for (const s of secrets) byKey.set(connection.kind === 'aws' ? awsRefName(s.providerRef) : gcpRefId(s.providerRef), s.id);

  const result: IngestResult = { status: 'ok', fetched: 0, inserted: 0, matched: 0 };
  let newest = cursor.lastEventTime;
  let sawDataAccess = false;
  const touched = new Set<string>();

  async function store(events: AccessEventInput[]) {
    result.fetched += events.length;
    const rows = events.map((e) => {
      const secretId = e.keys.map((k) => byKey.get(k)).find((id) => id !== undefined) ?? null;
      if (secretId) touched.add(secretId);
      if (!newest || e.occurredAt > newest) newest = e.occurredAt;
      return { connectionId, ...withoutKeys(e), secretId };
    });
    result.matched += rows.filter((r) => r.secretId).length;
    if (rows.length) result.inserted += (await db.accessEvent.createMany({ data: rows, skipDuplicates: true })).count;
  }

  try {
    if (connection.kind === 'aws') {
      const floor = now.getTime() - AWS_WINDOW_MS;
      const start = new Date(Math.max(floor, (cursor.lastEventTime?.getTime() ?? floor) - OVERLAP_MS));
      const client = cloudTrailClient(
        { region: connection.region ?? '', roleArn: connection.roleArn },
        options.cloudTrailEndpoint ?? env().CLOUDTRAIL_ENDPOINT,
      );
      try {
        for await (const page of cloudTrailPages(client, { start, end: now }, call)) {
          await store(page.map((e) => parseCloudTrailEvent(e, { region: connection.region ?? '' })).filter((e) => e !== null));
        }
      } finally {
        client.destroy();
      }
    } else {
      const floor = now.getTime() - GCP_WINDOW_MS;
      const start = new Date(Math.max(floor, (cursor.lastEventTime?.getTime() ?? floor) - OVERLAP_MS));
      const scope = { projectId: connection.projectId ?? '', location: connection.location };
      const client = await loggingClient(scope.projectId, options.loggingEndpoint ?? env().CLOUD_LOGGING_ENDPOINT);
      for await (const page of auditLogPages(client, scope.projectId, start, call, options.pageSize, env().PROVIDER_TIMEOUT_MS)) {
        if (page.some((m) => isDataAccessLog(m.logName ?? ''))) sawDataAccess = true;
        await store(page.map((m) => parseAuditEntry(m, scope)).filter((e) => e !== null));
      }
    }
  } catch (error) {
    // Stored pages stay (idempotent); the cursor stays, so the next run re-reads the window.
    const throttled = error instanceof ThrottledError;
    const failure = throttled ? new ProviderError('throttled', error.message) : ingestionError(connection.kind, error);
    const message = failure.message;
    await db.accessIngestionCursor.update({ where: { connectionId }, data: { lastRunAt: now, lastError: message } });
    await refreshLastRead(connectionId, touched);
    log.warn('access ingestion stopped', { connectionId, throttled, code: failure.code, providerCode: failure.providerCode, reason: message });
    // Not a failure the provider mapping knows: possibly a bug here, so its stack is logged
    // (ingestion handles log entries and identifiers only, never a secret value).
    if (failure.code === 'unknown') log.error('access ingestion failed unexpectedly', { connectionId, error });
    return { ...result, status: throttled ? 'throttled' : 'failed', message, code: failure.code };
  }

  await db.accessIngestionCursor.update({
    where: { connectionId },
    data: {
      lastEventTime: newest,
      lastRunAt: now,
      lastError: null,
      completedRuns: { increment: 1 },
      ...(sawDataAccess ? { dataAccessLogsSeen: true } : {}),
    },
  });
  // Secrets added to the inventory after their reads were ingested: match those now.
  const unmatched = await db.accessEvent.findMany({
    where: { connectionId, secretId: null },
    distinct: ['secretRef'],
    select: { secretRef: true },
    take: 1000,
  });
  for (const { secretRef } of unmatched) {
    let keys: string[] = [];
    if (connection.kind === 'aws') {
      const key = awsSecretKey(secretRef);
      keys = key.region && key.region !== connection.region ? [] : key.candidates;
    } else {
      const key = gcpSecretKey(secretRef);
      keys = key && gcpInScope(key, { projectId: connection.projectId ?? '', location: connection.location }) ? [key.secretId] : [];
    }
    const secretId = keys.map((k) => byKey.get(k)).find((id) => id !== undefined);
    if (!secretId) continue;
    await db.accessEvent.updateMany({ where: { connectionId, secretId: null, secretRef }, data: { secretId } });
    touched.add(secretId);
  }
  await refreshLastRead(connectionId, touched);
  return result;
}

function withoutKeys(e: AccessEventInput): Omit<AccessEventInput, 'keys'> {
  const { keys: _keys, ...rest } = e;
  return rest;
}

const LOG_API = { aws: 'CloudTrail (LookupEvents)', gcp: 'Cloud Logging (entries.list)' } as const;
const LOG_ENDPOINT = { aws: 'CLOUDTRAIL_ENDPOINT', gcp: 'CLOUD_LOGGING_ENDPOINT' } as const;

/**
 * Our own words for a failure, as a ProviderError: SDK messages are never stored or shown.
 * The provider's error mapping classifies it (its credential messages are kept, they say
 * what to do); the rest is said here in terms of the log API this job reads.
 */
export function ingestionError(kind: 'aws' | 'gcp', error: unknown): ProviderError {
  const mapped = kind === 'aws' ? toProviderError(error) : gcpProviderError(error, 'read');
  // Refusals and bad settings we raised ourselves (endpoint, egress) already say what to fix.
  if (error instanceof ProviderError) return error;
  const api = LOG_API[kind];
  const say = (message: string) => new ProviderError(mapped.code, message, mapped.providerCode);
  switch (mapped.code) {
    case 'unavailable':
      return say(`${api} could not be reached. Check the network and ${LOG_ENDPOINT[kind]} if set; the next run retries.`);
    case 'timeout':
      return say(`${api} did not answer in time; the next run retries.`);
    case 'permission_denied':
      if (['NO_CREDENTIALS', 'CredentialsProviderError'].includes(mapped.providerCode ?? '') || /credential/i.test(mapped.message)) return mapped;
      return say("The dashboard may not read the provider's access logs (cloudtrail:LookupEvents / logging.logEntries.list).");
    case 'not_found':
    case 'invalid':
      return say(`${api} rejected the request. Check the connection's ${kind === 'aws' ? 'region' : 'project id'} and ${LOG_ENDPOINT[kind]} if set.`);
    default:
      return say("Reading the provider's access logs failed; the next run retries.");
  }
}

/** Keeps secrets.last_read_at (the "not read in N days" filter) at the newest successful read. */
async function refreshLastRead(connectionId: string, secretIds: Set<string>): Promise<void> {
  if (secretIds.size === 0) return;
  await db.$executeRaw`
    UPDATE secrets s SET last_read_at = r.last_read
    FROM (
      SELECT secret_id, max(occurred_at) AS last_read FROM access_events
      WHERE connection_id = ${connectionId}::uuid AND secret_id = ANY(${[...secretIds]}::uuid[])
        AND error_code IS NULL AND event_name = ANY(${[...READ_EVENTS]}::text[])
      GROUP BY secret_id
    ) r
    WHERE s.id = r.secret_id AND (s.last_read_at IS NULL OR s.last_read_at < r.last_read)`;
}

/** Connections whose logs the worker reads (every cloud connection). */
export async function ingestibleConnections(): Promise<string[]> {
  const rows = await db.providerConnection.findMany({ where: { kind: { in: ['aws', 'gcp'] } }, select: { id: true }, orderBy: { name: 'asc' } });
  return rows.map((r) => r.id);
}
