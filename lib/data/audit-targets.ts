// Names for the targets of a page of audit events (the Audit table shows "payments-db"
// linked to its page, not a truncated UUID). Only the ids on the page are looked up, one
// primary-key query per target type, so the cost does not grow with the trail's size.
// A target that no longer exists (or an id that is not a row's) keeps showing its id.
// Callers have audit.read already: auditors and admins may read every name shown here.
import 'server-only';
import type { Role } from '@/generated/prisma/enums';
import { can, type Permission } from '@/lib/auth/permissions';
import { db } from '@/lib/db';
import { isUuid } from '@/lib/validation/ids';

/** What the Audit table shows for a target: its name, and its page when the caller may open it. */
export type AuditTargetLabel = { name: string; href: string | null };

type Found = { id: string; name: string; path: string };

type Resolver = { permission: Permission; find: (ids: string[]) => Promise<Found[]> };

const enc = encodeURIComponent;

/** A primary-key lookup of `ids`, selecting `select`. */
const byIds = <S>(ids: string[], select: S) => ({ where: { id: { in: ids } }, select });
const NAME = { id: true, name: true } as const;
const SECRET_NAME = { id: true, secret: { select: { id: true, name: true } } } as const;

/** Rows with a name of their own, each opening `base` followed by its id. */
const linked = (rows: { id: string; name: string }[], base: string): Found[] => rows.map((r) => ({ ...r, path: `${base}${enc(r.id)}` }));

/** A run, incident or approval: named "<label> <secret name>", opening a page of that secret. */
const ofSecret = <R extends { id: string; secret: { id: string; name: string } }>(rows: R[], label: string, pathOf: (row: R) => string): Found[] =>
  rows.map((r) => ({ id: r.id, name: `${label} ${r.secret.name}`, path: pathOf(r) }));

const RESOLVERS: Record<string, Resolver> = {
  secret: { permission: 'secrets.read', find: async (ids) => linked(await db.secret.findMany(byIds(ids, NAME)), '/inventory/') },
  team: { permission: 'secrets.read', find: async (ids) => linked(await db.team.findMany(byIds(ids, NAME)), '/teams/') },
  system: { permission: 'secrets.read', find: async (ids) => linked(await db.system.findMany(byIds(ids, NAME)), '/systems/') },
  user: {
    permission: 'admin.users',
    find: async (ids) =>
      (await db.user.findMany(byIds(ids, { id: true, email: true }))).map((u) => ({ id: u.id, name: u.email, path: `/settings/users?q=${enc(u.email)}` })),
  },
  provider_connection: {
    permission: 'admin.providers',
    find: async (ids) => linked(await db.providerConnection.findMany(byIds(ids, NAME)), '/settings/providers/'),
  },
  notification_channel: {
    permission: 'admin.notifications',
    find: async (ids) => linked(await db.notificationChannel.findMany(byIds(ids, NAME)), '/settings/notifications/'),
  },
  database_host: {
    permission: 'admin.providers',
    find: async (ids) =>
      (await db.databaseHost.findMany(byIds(ids, { id: true, host: true }))).map((h) => ({ id: h.id, name: h.host, path: '/settings/database-hosts' })),
  },
  // The run, incident or approval opens its secret's page.
  rotation: {
    permission: 'secrets.read',
    find: async (ids) => ofSecret(await db.rotationRun.findMany(byIds(ids, SECRET_NAME)), 'Rotation of', (r) => `/inventory/${enc(r.secret.id)}/rotation`),
  },
  incident: {
    permission: 'secrets.read',
    find: async (ids) =>
      ofSecret(await db.incident.findMany(byIds(ids, SECRET_NAME)), 'Incident on', (i) => `/inventory/${enc(i.secret.id)}/incidents/${enc(i.id)}`),
  },
  change_approval: {
    permission: 'secrets.read',
    find: async (ids) => ofSecret(await db.changeApproval.findMany(byIds(ids, SECRET_NAME)), 'Approval for', (a) => `/inventory/${enc(a.secret.id)}`),
  },
};

export const targetKey = (type: string, id: string) => `${type}\u0000${id}`;

/** Labels for the named targets among `targets`, keyed by targetKey(type, id). */
export async function auditTargetLabels(targets: { targetType: string | null; targetId: string | null }[], role: Role): Promise<Map<string, AuditTargetLabel>> {
  const idsByType = new Map<string, Set<string>>();
  for (const { targetType, targetId } of targets) {
    if (!targetType || !targetId || !(targetType in RESOLVERS) || !isUuid(targetId)) continue;
    const ids = idsByType.get(targetType) ?? new Set<string>();
    ids.add(targetId.toLowerCase());
    idsByType.set(targetType, ids);
  }
  const labels = new Map<string, AuditTargetLabel>();
  await Promise.all(
    [...idsByType].map(async ([type, ids]) => {
      const resolver = RESOLVERS[type];
      const mayOpen = can(role, resolver.permission);
      for (const found of await resolver.find([...ids])) labels.set(targetKey(type, found.id), { name: found.name, href: mayOpen ? found.path : null });
    }),
  );
  return labels;
}
