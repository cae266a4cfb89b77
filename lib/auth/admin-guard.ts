// One PostgreSQL advisory lock serializes every change that can take someone out of the
// active administrators (role changes, disabling, SSO group changes), so two of them
// can never together leave the installation without an administrator.
import 'server-only';
import type { Tx } from '@/lib/db';

const ADMIN_GUARD_LOCK = 727_002;

export async function lockAdminGuard(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_GUARD_LOCK})`;
}

export async function activeAdminCount(tx: Tx): Promise<number> {
  return tx.user.count({ where: { role: 'admin', status: 'active' } });
}
