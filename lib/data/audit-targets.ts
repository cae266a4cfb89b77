// Names for the targets of a page of audit events (the Audit table shows "payments-db"
// linked to its page, not a truncated UUID). Only the ids on the page are looked up, by
// primary key, every target type in one statement (one round trip, whatever the mix of
// types on the page), so the cost does not grow with the trail's size.
// A target that no longer exists (or an id that is not a row's) keeps showing its id.
// Callers have audit.read already: auditors and admins may read every name shown here.
import 'server-only';
import { Prisma } from '@/generated/prisma/client';
import type { Caller } from '@/lib/auth/caller';
import type { Permission } from '@/lib/auth/permissions';
import { callerCan } from '@/lib/auth/token-scopes';
import { queryRows } from '@/lib/db';
import { isUuid } from '@/lib/validation/ids';

/** What the Audit table shows for a target: its name, and its page when the caller may open it. */
export type AuditTargetLabel = { name: string; href: string | null };

/** A target found: its id and name, and for a run, incident or approval the id of its secret. */
type Found = { type: string; id: string; name: string; secret_id: string | null };

/** How a type is named: the statement finding `ids` (id, name, secret_id), and the page a name opens. */
type Resolver = { permission: Permission; sql: (ids: string[]) => Prisma.Sql; path: (found: Found) => string };

const enc = encodeURIComponent;

/** Rows with a name of their own (`column`), each opening `base` followed by its id. */
const named = (table: string, base: string, column = 'name'): Pick<Resolver, 'sql' | 'path'> => ({
  sql: (ids) =>
    Prisma.sql`SELECT id::text AS id, ${Prisma.raw(column)} AS name, NULL::text AS secret_id FROM ${Prisma.raw(table)} WHERE id = ANY(${ids}::uuid[])`,
  path: (found) => `${base}${enc(found.id)}`,
});

/** A run, incident or approval: named "<label> <secret name>", opening a page of that secret. */
const ofSecret = (table: string, label: string, path: Resolver['path']): Pick<Resolver, 'sql' | 'path'> => ({
  sql: (ids) => Prisma.sql`SELECT x.id::text AS id, ${`${label} `} || s.name AS name, s.id::text AS secret_id
                           FROM ${Prisma.raw(table)} x JOIN secrets s ON s.id = x.secret_id WHERE x.id = ANY(${ids}::uuid[])`,
  path,
});

const RESOLVERS: Record<string, Resolver> = {
  secret: { permission: 'secrets.read', ...named('secrets', '/inventory/') },
  team: { permission: 'secrets.read', ...named('teams', '/teams/') },
  system: { permission: 'secrets.read', ...named('systems', '/systems/') },
  user: { permission: 'admin.users', ...named('users', '', 'email'), path: (u) => `/settings/users?q=${enc(u.name)}` },
  provider_connection: { permission: 'admin.providers', ...named('provider_connections', '/settings/providers/') },
  notification_channel: { permission: 'admin.notifications', ...named('notification_channels', '/settings/notifications/') },
  // A cloud secret discovery found (lib/data/unmanaged.ts): named by its provider key.
  discovered_secret: {
    permission: 'admin.providers',
    ...named('discovered_secrets', '', 'provider_key'),
    path: (d) => `/discovery?q=${enc(d.name)}`,
  },
  database_host: { permission: 'admin.providers', ...named('database_hosts', '', 'host'), path: () => '/settings/database-hosts' },
  // The run, incident or approval opens its secret's page.
  rotation: { permission: 'secrets.read', ...ofSecret('rotation_runs', 'Rotation of', (r) => `/inventory/${enc(r.secret_id!)}/rotation`) },
  incident: { permission: 'secrets.read', ...ofSecret('incidents', 'Incident on', (i) => `/inventory/${enc(i.secret_id!)}/incidents/${enc(i.id)}`) },
  change_approval: { permission: 'secrets.read', ...ofSecret('change_approvals', 'Approval for', (a) => `/inventory/${enc(a.secret_id!)}`) },
};

export const targetKey = (type: string, id: string) => `${type}\u0000${id}`;

/** Labels for the named targets among `targets`, keyed by targetKey(type, id). */
export async function auditTargetLabels(
  targets: { targetType: string | null; targetId: string | null }[],
  caller: Caller,
): Promise<Map<string, AuditTargetLabel>> {
  const idsByType = new Map<string, Set<string>>();
  for (const { targetType, targetId } of targets) {
    if (!targetType || !targetId || !(targetType in RESOLVERS) || !isUuid(targetId)) continue;
    const ids = idsByType.get(targetType) ?? new Set<string>();
    ids.add(targetId.toLowerCase());
    idsByType.set(targetType, ids);
  }
  const labels = new Map<string, AuditTargetLabel>();
  if (idsByType.size === 0) return labels;
  const lookups = [...idsByType].map(([type, ids]) => Prisma.sql`SELECT ${type}::text AS type, f.* FROM (${RESOLVERS[type].sql([...ids])}) f`);
  for (const found of await queryRows<Found>(Prisma.join(lookups, ' UNION ALL '))) {
    const resolver = RESOLVERS[found.type];
    labels.set(targetKey(found.type, found.id), { name: found.name, href: callerCan(caller, resolver.permission) ? resolver.path(found) : null });
  }
  return labels;
}
