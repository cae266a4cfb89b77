// The Unmanaged view: cloud secrets the newest discovery scan of a connection saw that no
// inventory entry references (same connection, same provider key), and the ignore list an
// administrator keeps of those that are not to be managed here. Cloud secrets nobody
// inventoried belong to no team yet, so only administrators (admin.providers) see them.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { ConnectionKind, ScanStatus } from '@/generated/prisma/enums';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db, queryRows } from '@/lib/db';
import { decodeCursor, encodeCursor, keysetPage } from '@/lib/db/cursor';
import { escapeLike } from '@/lib/db/like';
import { InputError, NotFoundError } from '@/lib/errors';
import { uuidOrNil } from '@/lib/validation/ids';
import { parseInput } from '@/lib/validation/parse';
import { UNMANAGED_PAGE_SIZE, ZDiscoveredId, ZIgnoreInput, type TUnmanagedFilter, type TUnmanagedQuery } from '@/lib/validation/unmanaged';

export type UnmanagedItem = {
  id: string;
  connectionId: string;
  connectionName: string;
  connectionKind: ConnectionKind;
  providerKey: string;
  resourceName: string;
  description: string;
  /** The first tags or labels, by key. */
  labels: [string, string][];
  labelCount: number;
  rotationEnabled: boolean | null;
  createdAtProvider: string | null;
  lastChangedAt: string | null;
  lastAccessedAt: string | null;
  deletionAt: string | null;
  firstSeenAt: string;
  ignored: { at: string; by: string | null; reason: string | null } | null;
};

export type UnmanagedPage = { items: UnmanagedItem[]; nextCursor: string | null; total: number };

const SHOWN_LABELS = 6;
const and = (parts: Prisma.Sql[]) => (parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`);

/**
 * The conditions of a view over discovered_secrets `d`: still at the provider, referenced by
 * no inventory secret, and the view's filters. Shared by the list and the adoption plan.
 */
export function unmanagedConditions(filter: TUnmanagedFilter): Prisma.Sql[] {
  const where = [
    Prisma.sql`d.gone_at IS NULL`,
    Prisma.sql`NOT EXISTS (SELECT 1 FROM secrets s WHERE s.connection_id = d.connection_id AND s.provider_key = d.provider_key)`,
  ];
  if (filter.state === 'ignored') where.push(Prisma.sql`d.ignored_at IS NOT NULL`);
  else where.push(Prisma.sql`d.ignored_at IS NULL`);
  if (filter.state === 'deletion_scheduled') where.push(Prisma.sql`d.deletion_at IS NOT NULL`);
  if (filter.state === 'active') where.push(Prisma.sql`d.deletion_at IS NULL`);
  if (filter.connection) where.push(Prisma.sql`d.connection_id = ${filter.connection}::uuid`);
  if (filter.q) where.push(Prisma.sql`d.search_text LIKE ${`%${escapeLike(filter.q.toLowerCase())}%`}`);
  if (filter.label) {
    where.push(
      filter.label.value === undefined
        ? Prisma.sql`d.labels ? ${filter.label.key}`
        : Prisma.sql`d.labels @> ${JSON.stringify({ [filter.label.key]: filter.label.value })}::jsonb`,
    );
  }
  return where;
}

type Row = {
  id: string;
  connection_id: string;
  connection_name: string;
  connection_kind: ConnectionKind;
  provider_key: string;
  resource_name: string;
  description: string;
  labels: Record<string, string>;
  rotation_enabled: boolean | null;
  created_at_provider: Date | null;
  last_changed_at: Date | null;
  last_accessed_at: Date | null;
  deletion_at: Date | null;
  first_seen_at: Date;
  ignored_at: Date | null;
  ignored_by_email: string | null;
  ignored_reason: string | null;
};

export async function listUnmanaged(caller: Caller, query: TUnmanagedQuery): Promise<UnmanagedPage> {
  await authorize(caller, 'admin.providers', { action: 'discovery.list', targetType: 'discovered_secret' });
  const filters = unmanagedConditions(query);
  const cursor = decodeCursor(query.after);
  const page = cursor?.value ? [...filters, Prisma.sql`(d.provider_key, d.id) > (${cursor.value}, ${cursor.id}::uuid)`] : filters;
  const [rows, [{ total }]] = await Promise.all([
    queryRows<Row>(Prisma.sql`
      SELECT d.id, d.connection_id, c.name AS connection_name, c.kind AS connection_kind, d.provider_key, d.resource_name,
             d.description, d.labels, d.rotation_enabled, d.created_at_provider, d.last_changed_at, d.last_accessed_at,
             d.deletion_at, d.first_seen_at, d.ignored_at, d.ignored_by_email, d.ignored_reason
      FROM discovered_secrets d JOIN provider_connections c ON c.id = d.connection_id
      WHERE ${and(page)}
      ORDER BY d.provider_key, d.id
      LIMIT ${UNMANAGED_PAGE_SIZE + 1}`),
    queryRows<{ total: number }>(Prisma.sql`SELECT count(*)::int AS total FROM discovered_secrets d WHERE ${and(filters)}`),
  ]);
  return { ...keysetPage(rows, UNMANAGED_PAGE_SIZE, toItem, (last) => encodeCursor(last.provider_key, last.id)), total };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toItem(r: Row): UnmanagedItem {
  const labels = Object.entries(r.labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return {
    id: r.id,
    connectionId: r.connection_id,
    connectionName: r.connection_name,
    connectionKind: r.connection_kind,
    providerKey: r.provider_key,
    resourceName: r.resource_name,
    description: r.description,
    labels: labels.slice(0, SHOWN_LABELS),
    labelCount: labels.length,
    rotationEnabled: r.rotation_enabled,
    createdAtProvider: iso(r.created_at_provider),
    lastChangedAt: iso(r.last_changed_at),
    lastAccessedAt: iso(r.last_accessed_at),
    deletionAt: iso(r.deletion_at),
    firstSeenAt: r.first_seen_at.toISOString(),
    ignored: r.ignored_at ? { at: r.ignored_at.toISOString(), by: r.ignored_by_email, reason: r.ignored_reason } : null,
  };
}

// ---------------------------------------------------------------------------
// Where each cloud connection stands: its newest scan and how many secrets it left unmanaged

export type ConnectionDiscovery = {
  id: string;
  name: string;
  kind: ConnectionKind;
  scanIntervalHours: number | null;
  lastScan: { status: ScanStatus; startedAt: string; finishedAt: string | null; error: string | null } | null;
  lastCompletedAt: string | null;
  unmanaged: number;
  ignored: number;
};

export async function discoveryOverview(caller: Caller): Promise<ConnectionDiscovery[]> {
  await authorize(caller, 'admin.providers', { action: 'discovery.list', targetType: 'provider_connection' });
  const rows = await queryRows<{
    id: string;
    name: string;
    kind: ConnectionKind;
    scan_interval_hours: number | null;
    status: ScanStatus | null;
    started_at: Date | null;
    finished_at: Date | null;
    error: string | null;
    last_completed_at: Date | null;
    unmanaged: number;
    ignored: number;
  }>(Prisma.sql`
    -- Counted in one grouped pass (a join per connection made the planner probe secrets row by row).
    WITH n AS (
      SELECT d.connection_id, count(*) FILTER (WHERE d.ignored_at IS NULL) AS unmanaged, count(*) FILTER (WHERE d.ignored_at IS NOT NULL) AS ignored
      FROM discovered_secrets d
      WHERE d.gone_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM secrets s WHERE s.connection_id = d.connection_id AND s.provider_key = d.provider_key)
      GROUP BY d.connection_id
    )
    SELECT c.id, c.name, c.kind, c.scan_interval_hours, last.status, last.started_at, last.finished_at, last.error,
           (SELECT max(finished_at) FROM discovery_scans x WHERE x.connection_id = c.id AND x.status = 'completed') AS last_completed_at,
           coalesce(n.unmanaged, 0)::int AS unmanaged, coalesce(n.ignored, 0)::int AS ignored
    FROM provider_connections c
    LEFT JOIN LATERAL (
      SELECT status, started_at, finished_at, error FROM discovery_scans x WHERE x.connection_id = c.id ORDER BY started_at DESC LIMIT 1
    ) last ON TRUE
    LEFT JOIN n ON n.connection_id = c.id
    WHERE c.kind <> 'local'
    ORDER BY c.name`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    scanIntervalHours: r.scan_interval_hours,
    lastScan: r.status && r.started_at ? { status: r.status, startedAt: r.started_at.toISOString(), finishedAt: iso(r.finished_at), error: r.error } : null,
    lastCompletedAt: iso(r.last_completed_at),
    unmanaged: r.unmanaged,
    ignored: r.ignored,
  }));
}

// ---------------------------------------------------------------------------
// Ignoring (and taking it back)

export async function ignoreDiscovered(caller: Caller, rawId: unknown, raw: unknown): Promise<void> {
  await authorize(caller, 'admin.providers', { action: 'discovery.ignore', targetType: 'discovered_secret' });
  const id = uuidOrNil(parseInput(ZDiscoveredId, rawId));
  const { reason } = parseInput(ZIgnoreInput, raw);
  await db.$transaction(async (tx) => {
    const found = await tx.discoveredSecret.findUnique({
      where: { id },
      select: { providerKey: true, ignoredAt: true, connection: { select: { name: true } } },
    });
    if (!found) throw new NotFoundError('This cloud secret is no longer in the discovery results.');
    // Conditional, so two administrators ignoring at once record one decision, not two.
    const { count } = await tx.discoveredSecret.updateMany({
      where: { id, ignoredAt: null },
      data: { ignoredAt: new Date(), ignoredByEmail: caller.user?.email ?? null, ignoredReason: reason },
    });
    if (found.ignoredAt || count === 0) throw new InputError('This cloud secret is already ignored.');
    await recordAudit(tx, caller, {
      action: 'discovery.ignore',
      targetType: 'discovered_secret',
      targetId: id,
      detail: { connection: found.connection.name, providerKey: found.providerKey, reason },
    });
  });
}

export async function restoreDiscovered(caller: Caller, rawId: unknown): Promise<void> {
  await authorize(caller, 'admin.providers', { action: 'discovery.restore', targetType: 'discovered_secret' });
  const id = uuidOrNil(parseInput(ZDiscoveredId, rawId));
  await db.$transaction(async (tx) => {
    const found = await tx.discoveredSecret.findUnique({
      where: { id },
      select: { providerKey: true, ignoredAt: true, ignoredReason: true, connection: { select: { name: true } } },
    });
    if (!found) throw new NotFoundError('This cloud secret is no longer in the discovery results.');
    const { count } = await tx.discoveredSecret.updateMany({
      where: { id, ignoredAt: { not: null } },
      data: { ignoredAt: null, ignoredByEmail: null, ignoredReason: null },
    });
    if (!found.ignoredAt || count === 0) throw new InputError('This cloud secret is not ignored.');
    await recordAudit(tx, caller, {
      action: 'discovery.restore',
      targetType: 'discovered_secret',
      targetId: id,
      detail: { connection: found.connection.name, providerKey: found.providerKey, wasIgnoredFor: found.ignoredReason },
    });
  });
}
