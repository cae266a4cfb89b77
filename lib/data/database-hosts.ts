// The database host allowlist (Settings -> Database hosts): the hosts a PostgreSQL admin
// credential may name in a postgres_role rotation (lib/rotation/database-hosts.ts), and
// whether a secret's rotation may ask for less than verify-full TLS there. Admins only
// (admin.providers); every change audited.
import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { InputError, isUniqueViolation, NotFoundError } from '@/lib/errors';
import { ZDatabaseHostInput } from '@/lib/validation/database-host';
import { parseInput } from '@/lib/validation/parse';
import { uuidOrNil } from '@/lib/validation/ids';

export type DatabaseHostView = { id: string; host: string; allowInsecureTls: boolean; note: string; createdByEmail: string | null; createdAt: string };

export async function listDatabaseHosts(caller: Caller): Promise<DatabaseHostView[]> {
  await authorize(caller, 'admin.providers', { action: 'database_host.list', targetType: 'database_host' });
  const rows = await db.databaseHost.findMany({ orderBy: { host: 'asc' }, take: 500 });
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

export async function addDatabaseHost(caller: Caller, raw: unknown): Promise<{ id: string }> {
  const user = await authorize(caller, 'admin.providers', { action: 'database_host.add', targetType: 'database_host' });
  const input = parseInput(ZDatabaseHostInput, raw);
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.databaseHost.create({ data: { ...input, createdByEmail: user.email } });
      await recordAudit(tx, caller, {
        action: 'database_host.add',
        targetType: 'database_host',
        targetId: created.id,
        detail: { host: created.host, allowInsecureTls: created.allowInsecureTls, note: created.note || null },
      });
      return { id: created.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new InputError('This host is already on the list.', { host: ['Already on the list'] });
    throw error;
  }
}

export async function removeDatabaseHost(caller: Caller, id: string): Promise<{ id: string }> {
  await authorize(caller, 'admin.providers', { action: 'database_host.remove', targetType: 'database_host', targetId: id });
  return db.$transaction(async (tx) => {
    const row = await tx.databaseHost.findUnique({ where: { id: uuidOrNil(id) } });
    if (!row) throw new NotFoundError('This host is not on the list.');
    await tx.databaseHost.delete({ where: { id: row.id } });
    await recordAudit(tx, caller, {
      action: 'database_host.remove',
      targetType: 'database_host',
      targetId: row.id,
      detail: { host: row.host, allowInsecureTls: row.allowInsecureTls },
    });
    return { id: row.id };
  });
}
