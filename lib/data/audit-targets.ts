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

// The run, incident or approval is named after its secret, and opens that secret's page.
const RESOLVERS: Record<string, Resolver> = {
  secret: {
    permission: 'secrets.read',
    find: async (ids) =>
      (await db.secret.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((s) => ({ ...s, path: `/inventory/${enc(s.id)}` })),
  },
  team: {
    permission: 'secrets.read',
    find: async (ids) =>
      (await db.team.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((t) => ({ ...t, path: `/teams/${enc(t.id)}` })),
  },
  system: {
    permission: 'secrets.read',
    find: async (ids) =>
      (await db.system.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((s) => ({ ...s, path: `/systems/${enc(s.id)}` })),
  },
  user: {
    permission: 'admin.users',
    find: async (ids) =>
      (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((u) => ({
        id: u.id,
        name: u.email,
        path: `/settings/users?q=${enc(u.email)}`,
      })),
  },
  provider_connection: {
    permission: 'admin.providers',
    find: async (ids) =>
      (await db.providerConnection.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((c) => ({
        ...c,
        path: `/settings/providers/${enc(c.id)}`,
      })),
  },
  notification_channel: {
    permission: 'admin.notifications',
    find: async (ids) =>
      (await db.notificationChannel.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((c) => ({
        ...c,
        path: `/settings/notifications/${enc(c.id)}`,
      })),
  },
  database_host: {
    permission: 'admin.providers',
    find: async (ids) =>
      (await db.databaseHost.findMany({ where: { id: { in: ids } }, select: { id: true, host: true } })).map((h) => ({
        id: h.id,
        name: h.host,
        path: '/settings/database-hosts',
      })),
  },
  rotation: {
    permission: 'secrets.read',
    find: async (ids) =>
      (await db.rotationRun.findMany({ where: { id: { in: ids } }, select: { id: true, secret: { select: { id: true, name: true } } } })).map((r) => ({
        id: r.id,
        name: `Rotation of ${r.secret.name}`,
        path: `/inventory/${enc(r.secret.id)}/rotation`,
      })),
  },
  incident: {
    permission: 'secrets.read',
    find: async (ids) =>
      (await db.incident.findMany({ where: { id: { in: ids } }, select: { id: true, secret: { select: { id: true, name: true } } } })).map((i) => ({
        id: i.id,
        name: `Incident on ${i.secret.name}`,
        path: `/inventory/${enc(i.secret.id)}/incidents/${enc(i.id)}`,
      })),
  },
  change_approval: {
    permission: 'secrets.read',
    find: async (ids) =>
      (await db.changeApproval.findMany({ where: { id: { in: ids } }, select: { id: true, secret: { select: { id: true, name: true } } } })).map((a) => ({
        id: a.id,
        name: `Approval for ${a.secret.name}`,
        path: `/inventory/${enc(a.secret.id)}`,
      })),
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
