// Discovery scans of a provider connection, for administrators: start one now, set how
// often the worker starts one, read the history (each scan's summary row) and the newest
// scan per connection. The scanning itself is lib/discovery/scan.ts, run by the worker.
import 'server-only';
import { changedFields } from '@/lib/audit/changes';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { appClock } from '@/lib/clock';
import { db } from '@/lib/db';
import { decodeCursor, encodeCursor, keysetPage } from '@/lib/db/cursor';
import { openScan } from '@/lib/discovery/scan';
import { InputError, NotFoundError } from '@/lib/errors';
import { jobSender } from '@/lib/jobs/boss';
import { discoveryScanSendOptions, QUEUE, type DiscoveryScanData } from '@/lib/jobs/queues';
import { log } from '@/lib/log';
import { ZScanInterval } from '@/lib/validation/discovery-scan';
import { uuidOrNil } from '@/lib/validation/ids';
import { parseInput } from '@/lib/validation/parse';
import { updateAudited } from './audited-update';
import { lockedRow } from './locked-row';

export type ScanListItem = {
  id: string;
  trigger: 'manual' | 'scheduled';
  startedByEmail: string | null;
  status: 'running' | 'completed' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  seen: number;
  providerCalls: number;
  throttled: number;
  unmanaged: number | null;
  newUnmanaged: number | null;
  gone: number | null;
  errorCode: string | null;
  error: string | null;
};

export type ScanPage = { items: ScanListItem[]; nextCursor: string | null };

export const SCAN_PAGE_SIZE = 20;

const scanSelect = {
  id: true,
  trigger: true,
  startedByEmail: true,
  status: true,
  startedAt: true,
  finishedAt: true,
  pages: true,
  seen: true,
  providerCalls: true,
  throttled: true,
  unmanaged: true,
  newUnmanaged: true,
  gone: true,
  errorCode: true,
  error: true,
} as const;

type ScanRow = { startedAt: Date; finishedAt: Date | null } & Omit<ScanListItem, 'startedAt' | 'finishedAt'>;

const toItem = (r: ScanRow): ScanListItem => ({ ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null });

const NO_CONNECTION = 'This connection does not exist.';

/** Starts a scan of the connection now (the worker runs it); refuses while one is running. */
export async function startScan(caller: Caller, connectionId: string): Promise<{ scanId: string }> {
  const user = await authorize(caller, 'admin.providers', { action: 'discovery.scan_start', targetType: 'provider_connection', targetId: connectionId });
  const now = appClock().now();
  const scanId = await db.$transaction(async (tx) => {
    const connection = await tx.providerConnection.findUnique({ where: { id: uuidOrNil(connectionId) }, select: { id: true, kind: true } });
    if (!connection) throw new NotFoundError(NO_CONNECTION);
    if (connection.kind === 'local') throw new InputError('Local development connections are not scanned: their secrets are the dashboard’s own.');
    const opened = await openScan(tx, connection.id, 'manual', { id: user.id, email: user.email }, now);
    if (!opened) throw new NotFoundError(NO_CONNECTION);
    if (!opened.created) {
      throw new InputError(
        `A scan of this connection is already running (started ${opened.scan.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC). Wait for it to finish.`,
      );
    }
    await recordAudit(tx, caller, {
      action: 'discovery.scan_start',
      targetType: 'provider_connection',
      targetId: connection.id,
      detail: { scanId: opened.scan.id },
    });
    return opened.scan.id;
  });
  // After the commit: the job finds the scan row. A lost send is picked up by the scheduled
  // job, which resumes every running scan.
  try {
    const boss = await jobSender();
    const data: DiscoveryScanData = { connectionId };
    await boss.send(QUEUE.discoveryScan, data, discoveryScanSendOptions(connectionId));
  } catch (error) {
    log.warn('could not enqueue a discovery scan; the scheduled job will resume it', { connectionId, error });
  }
  return { scanId };
}

/** Hours between scheduled scans, or null for on-demand only. */
export async function setScanInterval(caller: Caller, connectionId: string, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'admin.providers', { action: 'discovery.scan_interval', targetType: 'provider_connection', targetId: connectionId });
  const { hours } = parseInput(ZScanInterval, raw);
  return db.$transaction(async (tx) => {
    const before = await lockedRow(
      tx,
      'provider_connections',
      connectionId,
      (id) => tx.providerConnection.findUnique({ where: { id }, select: { id: true, kind: true, scanIntervalHours: true } }),
      NO_CONNECTION,
    );
    if (before.kind === 'local' && hours !== null)
      throw new InputError('Local development connections are not scanned.', { hours: ['Local connections are not scanned.'] });
    const changes = changedFields(before, { scanIntervalHours: hours }, ['scanIntervalHours']);
    const audit = { action: 'discovery.scan_interval', targetType: 'provider_connection', targetId: before.id, changes };
    // Raw, so the connection's updated_at (the settings form's stale-edit check) stays: the
    // interval is not part of that form.
    await updateAudited(tx, caller, audit, () => tx.$executeRaw`UPDATE provider_connections SET scan_interval_hours = ${hours} WHERE id = ${before.id}::uuid`);
    return { id: before.id };
  });
}

/** The connection's scans, newest first, a page at a time. */
export async function listScans(caller: Caller, connectionId: string, cursor?: string): Promise<ScanPage> {
  await authorize(caller, 'admin.providers', { action: 'discovery.scan_list', targetType: 'provider_connection', targetId: connectionId });
  const after = decodeCursor(cursor);
  const rows = await db.discoveryScan.findMany({
    where: {
      connectionId: uuidOrNil(connectionId),
      ...(after?.value ? { OR: [{ startedAt: { lt: new Date(after.value) } }, { startedAt: new Date(after.value), id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: SCAN_PAGE_SIZE + 1,
    select: scanSelect,
  });
  return keysetPage(rows, SCAN_PAGE_SIZE, toItem, (last) => encodeCursor(last.startedAt.toISOString(), last.id));
}

export type DiscoverySettings = { scanIntervalHours: number | null; scannable: boolean; latest: ScanListItem | null };

/** What the connection page's Discovery section shows above the history. */
export async function discoverySettings(caller: Caller, connectionId: string): Promise<DiscoverySettings> {
  await authorize(caller, 'admin.providers', { action: 'discovery.scan_list', targetType: 'provider_connection', targetId: connectionId });
  const connection = await db.providerConnection.findUnique({
    where: { id: uuidOrNil(connectionId) },
    select: { kind: true, scanIntervalHours: true, discoveryScans: { orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: 1, select: scanSelect } },
  });
  if (!connection) throw new NotFoundError(NO_CONNECTION);
  const [latest] = connection.discoveryScans;
  return { scanIntervalHours: connection.scanIntervalHours, scannable: connection.kind !== 'local', latest: latest ? toItem(latest) : null };
}

export type LatestScan = Pick<ScanListItem, 'id' | 'status' | 'startedAt' | 'finishedAt' | 'unmanaged' | 'newUnmanaged'>;

/** The newest scan of every connection that has one (the providers list). */
export async function latestScans(caller: Caller): Promise<Map<string, LatestScan>> {
  await authorize(caller, 'admin.providers', { action: 'discovery.scan_list', targetType: 'provider_connection' });
  const rows = await db.$queryRaw<
    {
      connection_id: string;
      id: string;
      status: ScanListItem['status'];
      started_at: Date;
      finished_at: Date | null;
      unmanaged: number | null;
      new_unmanaged: number | null;
    }[]
  >`
    SELECT DISTINCT ON (connection_id) connection_id, id, status::text AS status, started_at, finished_at, unmanaged, new_unmanaged
    FROM discovery_scans ORDER BY connection_id, started_at DESC, id DESC`;
  return new Map(
    rows.map((r) => [
      r.connection_id,
      {
        id: r.id,
        status: r.status,
        startedAt: r.started_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
        unmanaged: r.unmanaged,
        newUnmanaged: r.new_unmanaged,
      },
    ]),
  );
}
