// A discovery scan of one provider connection: lists every secret the provider has
// (metadata only, lib/discovery/sources/*) into discovered_secrets, the newest snapshot.
// One scan runs per connection at a time; its row (discovery_scans) holds the provider's
// page token, so a job cut short (throttling that outlasts the backoff, a worker dying)
// leaves it `running` and the next job resumes at the page after the last one stored.
// Each page commits with the scan's progress in one transaction, the last page with the
// completion (rows not seen become gone; the unmanaged counts; the digest notification).
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { ScanTrigger } from '@/generated/prisma/enums';
import { pacer, realSleep, ThrottledError, type Sleep } from '@/lib/access/pacer';
import type { Clock } from '@/lib/clock';
import { db, type Tx } from '@/lib/db';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { enqueueDeliveries, notify } from '@/lib/notifications/notify';
import { awsErrorName, toProviderError } from '@/lib/providers/aws-errors';
import { ProviderError, type ProviderErrorCode } from '@/lib/providers/errors';
import { gcpProviderError, grpcStatusOf } from '@/lib/providers/gcp-errors';
import { awsDiscoverySource } from './sources/aws';
import { gcpDiscoverySource } from './sources/gcp';
import type { DiscoveredInput, DiscoveryPage, DiscoverySource, PacedCall } from './sources/types';

export type ScanOptions = {
  sleep?: Sleep;
  /** Backoff retries per call before the job gives up for now (the scan stays running). */
  throttleRetries?: number;
  backoffMs?: number;
  /** Minimum gap between provider calls; none by default (List calls have generous quotas). */
  minIntervalMs?: number;
  /** Secrets per GCP ListSecrets page. */
  gcpPageSize?: number;
  /** GCP secrets whose versions are listed at once. */
  versionConcurrency?: number;
  /** Called after each page committed (tests: a worker dying mid-listing). */
  afterPage?: (pages: number) => void | Promise<void>;
};

export type ScanResult = {
  status: 'completed' | 'running' | 'failed' | 'skipped';
  scanId: string | null;
  code?: ProviderErrorCode;
  message?: string;
};

type OpenScan = { id: string; startedAt: Date; pageToken: string | null; pages: number };

/**
 * The connection's running scan, or a new one when none runs. The connection row is locked
 * first, so two callers (a person's "Scan now" and the scheduled job) never open two.
 * Null when the connection does not exist.
 */
export async function openScan(
  tx: Tx,
  connectionId: string,
  trigger: ScanTrigger,
  startedBy: { id: string; email: string } | null,
  now: Date,
): Promise<{ scan: OpenScan; created: boolean } | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM provider_connections WHERE id = ${connectionId}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  const select = { id: true, startedAt: true, pageToken: true, pages: true } as const;
  const running = await tx.discoveryScan.findFirst({ where: { connectionId, status: 'running' }, select });
  if (running) return { scan: running, created: false };
  const scan = await tx.discoveryScan.create({
    data: { connectionId, trigger, startedAt: now, startedById: startedBy?.id ?? null, startedByEmail: startedBy?.email ?? null },
    select,
  });
  return { scan, created: true };
}

function sourceFor(
  connection: {
    kind: 'aws' | 'gcp';
    region: string | null;
    roleArn: string | null;
    projectId: string | null;
    location: string | null;
    endpoint: string | null;
  },
  options: ScanOptions,
): DiscoverySource {
  const timeoutMs = env().PROVIDER_TIMEOUT_MS;
  if (connection.kind === 'aws')
    return awsDiscoverySource({ region: connection.region ?? '', roleArn: connection.roleArn, endpoint: connection.endpoint }, timeoutMs);
  return gcpDiscoverySource(
    { projectId: connection.projectId ?? '', location: connection.location, endpoint: connection.endpoint },
    { timeoutMs, pageSize: options.gcpPageSize, versionConcurrency: options.versionConcurrency },
  );
}

/**
 * Runs (or resumes) the connection's scan until it completes, fails, or the provider keeps
 * throttling (then it stays running for the next job). Local connections are not scanned:
 * their store is the dashboard's own, there is nothing to discover.
 */
export async function runScan(connectionId: string, clock: Clock, options: ScanOptions = {}): Promise<ScanResult> {
  const connection = await db.providerConnection.findUnique({ where: { id: connectionId } });
  if (!connection || connection.kind === 'local') return { status: 'skipped', scanId: null };
  const opened = await db.$transaction((tx) => openScan(tx, connectionId, 'scheduled', null, clock.now()));
  if (!opened) return { status: 'skipped', scanId: null };
  const { scan } = opened;

  const counters = { calls: 0, throttled: 0 };
  const pace = pacer({
    minIntervalMs: options.minIntervalMs ?? 0,
    throttleRetries: options.throttleRetries ?? 4,
    backoffMs: options.backoffMs ?? 1000,
    sleep: options.sleep ?? realSleep,
  });
  const call: PacedCall = (work, isThrottle) =>
    pace(
      () => {
        counters.calls += 1;
        return work();
      },
      (error) => {
        const throttle = isThrottle(error);
        if (throttle) counters.throttled += 1;
        return throttle;
      },
    );
  const takeCounters = () => {
    const taken = { ...counters };
    counters.calls = 0;
    counters.throttled = 0;
    return taken;
  };

  const kind = connection.kind;
  const source = sourceFor({ ...connection, kind }, options);
  let token = scan.pageToken;
  let pages = scan.pages;
  try {
    for (;;) {
      let page: DiscoveryPage;
      try {
        page = await source.page(token, call);
      } catch (error) {
        const { calls, throttled } = takeCounters();
        if (error instanceof ThrottledError) {
          await db.discoveryScan.updateMany({
            where: { id: scan.id, status: 'running' },
            data: { providerCalls: { increment: calls }, throttled: { increment: throttled } },
          });
          log.warn('discovery scan throttled; the next job resumes', { connectionId, scanId: scan.id, pages });
          return { status: 'running', scanId: scan.id, code: 'throttled', message: 'The provider kept throttling; the next job resumes the scan.' };
        }
        const failure = token !== null && isRefusedToken(kind, error) ? new ProviderError('invalid', STALE_TOKEN) : discoveryError(kind, error);
        if (failure.code === 'unknown') log.error('discovery scan failed unexpectedly', { connectionId, scanId: scan.id, error });
        else log.warn('discovery scan failed', { connectionId, scanId: scan.id, code: failure.code, providerCode: failure.providerCode });
        await db.discoveryScan.updateMany({
          where: { id: scan.id, status: 'running' },
          data: {
            status: 'failed',
            finishedAt: clock.now(),
            errorCode: failure.code,
            error: failure.message,
            providerCalls: { increment: calls },
            throttled: { increment: throttled },
          },
        });
        return { status: 'failed', scanId: scan.id, code: failure.code, message: failure.message };
      }
      const stored = await storePage(scan, connection, token, page, takeCounters(), clock.now());
      // Another worker moved this scan on (or it was finished meanwhile): its progress stands.
      if (stored === 'moved') return { status: 'running', scanId: scan.id };
      pages += 1;
      if (stored === 'completed') return { status: 'completed', scanId: scan.id };
      await options.afterPage?.(pages);
      token = page.nextToken;
    }
  } finally {
    source.close();
  }
}

const searchTextOf = (item: DiscoveredInput) =>
  [item.providerKey, item.description, ...Object.entries(item.labels).flat()].join(' ').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Stores one page and the scan's progress in one transaction, provided the scan is still
 * running at the token this page was read from. The last page (no next token) completes it.
 */
async function storePage(
  scan: OpenScan,
  connection: { id: string; name: string },
  token: string | null,
  page: DiscoveryPage,
  counters: { calls: number; throttled: number },
  now: Date,
): Promise<'stored' | 'completed' | 'moved'> {
  // A provider may list one secret twice in a page; an upsert may touch a row once.
  const items = [...new Map(page.items.map((i) => [i.providerKey, i])).values()];
  const rows = items.map((i) => ({
    provider_key: i.providerKey,
    resource_name: i.resourceName,
    description: i.description,
    labels: i.labels,
    annotations: i.annotations,
    rotation_enabled: i.rotationEnabled,
    rotation_schedule: i.rotationSchedule,
    next_rotation_at: i.nextRotationAt?.toISOString() ?? null,
    last_rotated_at: i.lastRotatedAt?.toISOString() ?? null,
    created_at_provider: i.createdAtProvider?.toISOString() ?? null,
    last_changed_at: i.lastChangedAt?.toISOString() ?? null,
    last_accessed_at: i.lastAccessedAt?.toISOString() ?? null,
    deletion_at: i.deletionAt?.toISOString() ?? null,
    expire_at: i.expireAt?.toISOString() ?? null,
    replication: i.replication,
    current_version_id: i.currentVersionId,
    version_count: i.versionCount,
    newest_version_at: i.newestVersionAt?.toISOString() ?? null,
    search_text: searchTextOf(i),
  }));
  const outcome = await db.$transaction(
    async (tx) => {
      const [current] = await tx.$queryRaw<{ status: string; page_token: string | null }[]>`
        SELECT status::text, page_token FROM discovery_scans WHERE id = ${scan.id}::uuid FOR UPDATE`;
      if (!current || current.status !== 'running' || current.page_token !== token) return { state: 'moved' as const };
      if (rows.length > 0) {
        await tx.$executeRaw`
          INSERT INTO discovered_secrets (id, connection_id, provider_key, resource_name, description, labels, annotations,
            rotation_enabled, rotation_schedule, next_rotation_at, last_rotated_at, created_at_provider, last_changed_at,
            last_accessed_at, deletion_at, expire_at, replication, current_version_id, version_count, newest_version_at,
            first_seen_at, last_seen_at, last_scan_id, gone_at, search_text)
          SELECT gen_random_uuid(), ${connection.id}::uuid, r.provider_key, r.resource_name, r.description, r.labels, r.annotations,
            r.rotation_enabled, r.rotation_schedule, r.next_rotation_at, r.last_rotated_at, r.created_at_provider, r.last_changed_at,
            r.last_accessed_at, r.deletion_at, r.expire_at, r.replication, r.current_version_id, r.version_count, r.newest_version_at,
            ${now}, ${now}, ${scan.id}::uuid, NULL, r.search_text
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
            provider_key text, resource_name text, description text, labels jsonb, annotations jsonb,
            rotation_enabled boolean, rotation_schedule text, next_rotation_at timestamptz, last_rotated_at timestamptz,
            created_at_provider timestamptz, last_changed_at timestamptz, last_accessed_at timestamptz, deletion_at timestamptz,
            expire_at timestamptz, replication text, current_version_id text, version_count int, newest_version_at timestamptz,
            search_text text)
          ON CONFLICT (connection_id, provider_key) DO UPDATE SET
            resource_name = EXCLUDED.resource_name, description = EXCLUDED.description, labels = EXCLUDED.labels,
            annotations = EXCLUDED.annotations, rotation_enabled = EXCLUDED.rotation_enabled,
            rotation_schedule = EXCLUDED.rotation_schedule, next_rotation_at = EXCLUDED.next_rotation_at,
            last_rotated_at = EXCLUDED.last_rotated_at, created_at_provider = EXCLUDED.created_at_provider,
            last_changed_at = EXCLUDED.last_changed_at, last_accessed_at = EXCLUDED.last_accessed_at,
            deletion_at = EXCLUDED.deletion_at, expire_at = EXCLUDED.expire_at, replication = EXCLUDED.replication,
            current_version_id = EXCLUDED.current_version_id, version_count = EXCLUDED.version_count,
            newest_version_at = EXCLUDED.newest_version_at, last_seen_at = EXCLUDED.last_seen_at,
            last_scan_id = EXCLUDED.last_scan_id, gone_at = NULL, search_text = EXCLUDED.search_text`;
      }
      await tx.discoveryScan.update({
        where: { id: scan.id },
        data: {
          pageToken: page.nextToken,
          pages: { increment: 1 },
          seen: { increment: rows.length },
          providerCalls: { increment: counters.calls },
          throttled: { increment: counters.throttled },
        },
      });
      if (page.nextToken) return { state: 'stored' as const };
      return { state: 'completed' as const, deliveries: await completeScan(tx, scan, connection, now) };
    },
    // A page of upserts and, for the last, the whole snapshot's gone marks and counts.
    { timeout: 60_000 },
  );
  if (outcome.state === 'completed') await enqueueDeliveries(outcome.deliveries);
  return outcome.state;
}

const DIGEST_NAMES = 10;

/** Rows this scan did not see are gone; counts unmanaged ones; the digest for new ones. Returns delivery ids. */
async function completeScan(tx: Tx, scan: OpenScan, connection: { id: string; name: string }, now: Date): Promise<string[]> {
  const gone = await tx.$executeRaw`
    UPDATE discovered_secrets SET gone_at = ${now}
    WHERE connection_id = ${connection.id}::uuid AND last_scan_id <> ${scan.id}::uuid AND gone_at IS NULL`;
  const unmanagedWhere = Prisma.sql`
    d.connection_id = ${connection.id}::uuid AND d.gone_at IS NULL AND d.ignored_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM secrets s WHERE s.connection_id = d.connection_id AND s.provider_key = d.provider_key)`;
  const [counts] = await tx.$queryRaw<{ unmanaged: number; fresh: number }[]>`
    SELECT count(*)::int AS unmanaged, count(*) FILTER (WHERE d.first_seen_at >= ${scan.startedAt})::int AS fresh
    FROM discovered_secrets d WHERE ${unmanagedWhere}`;
  await tx.discoveryScan.update({
    where: { id: scan.id },
    data: { status: 'completed', finishedAt: now, pageToken: null, gone, unmanaged: counts.unmanaged, newUnmanaged: counts.fresh },
  });
  if (counts.fresh === 0) return [];
  const names = await tx.$queryRaw<{ provider_key: string }[]>`
    SELECT d.provider_key FROM discovered_secrets d WHERE ${unmanagedWhere} AND d.first_seen_at >= ${scan.startedAt}
    ORDER BY d.provider_key LIMIT ${DIGEST_NAMES}`;
  return notify(tx, {
    event: 'discovery.new_unmanaged',
    occurredAt: now,
    discovery: {
      connectionId: connection.id,
      connection: connection.name,
      scanId: scan.id,
      newUnmanaged: counts.fresh,
      names: names.map((n) => n.provider_key.slice(0, 512)),
    },
  });
}

export const STALE_TOKEN = "The provider no longer accepts this scan's resume point (its page token expired). The next scan starts over.";

/** The provider refused the page token a resumed scan sent (tokens do not last forever). */
function isRefusedToken(kind: 'aws' | 'gcp', error: unknown): boolean {
  if (kind === 'aws') return awsErrorName(error) === 'InvalidNextTokenException';
  return grpcStatusOf(error) === 3;
}

const LIST_API = { aws: 'AWS Secrets Manager (ListSecrets)', gcp: 'GCP Secret Manager (ListSecrets, ListSecretVersions)' } as const;

/**
 * Our own words for a failed listing, as a ProviderError: SDK messages are never stored or
 * shown. The provider's mapping classifies it (credential messages are kept: they say what
 * to do); the rest is said here in terms of the listing.
 */
export function discoveryError(kind: 'aws' | 'gcp', error: unknown): ProviderError {
  // Refusals and bad settings we raised ourselves (endpoint, egress) already say what to fix.
  if (error instanceof ProviderError) return error;
  const mapped = kind === 'aws' ? toProviderError(error) : gcpProviderError(error, 'read');
  const api = LIST_API[kind];
  const say = (message: string) => new ProviderError(mapped.code, message, mapped.providerCode);
  switch (mapped.code) {
    case 'unavailable':
      return say(`${api} could not be reached. Check the network and the connection's endpoint; the next scan retries.`);
    case 'timeout':
      return say(`${api} did not answer in time; the next scan retries.`);
    case 'permission_denied':
      if (['NO_CREDENTIALS', 'CredentialsProviderError'].includes(mapped.providerCode ?? '') || /credential/i.test(mapped.message)) return mapped;
      return say(
        kind === 'aws'
          ? "The dashboard's cloud identity may not list secrets (secretsmanager:ListSecrets)."
          : "The dashboard's cloud identity may not list secrets or their versions (secretmanager.secrets.list, secretmanager.versions.list).",
      );
    case 'not_found':
    case 'invalid':
      return say(`${api} rejected the listing. Check the connection's ${kind === 'aws' ? 'region' : 'project id and location'}.`);
    default:
      return say('Listing the provider\u2019s secrets failed; the next scan retries.');
  }
}

/**
 * Connections the scheduled job sends a scan for: a cloud connection with an interval whose
 * last scan started that long ago (or never), and any with a scan still running (resumed).
 */
export async function dueConnections(now: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM provider_connections c
    WHERE c.kind IN ('aws', 'gcp') AND (
      EXISTS (SELECT 1 FROM discovery_scans s WHERE s.connection_id = c.id AND s.status = 'running')
      OR (c.scan_interval_hours IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM discovery_scans s WHERE s.connection_id = c.id
          AND s.started_at > ${now}::timestamptz - make_interval(hours => c.scan_interval_hours))))
    ORDER BY c.name`;
  return rows.map((r) => r.id);
}
