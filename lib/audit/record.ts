// Writes audit events. Callers pass the transaction that makes the change, so the
// change and its event commit together or not at all. Never give it a secret value.
import 'server-only';
import type { Prisma } from '@/generated/prisma/client';
import type { AuditOutcome, Role } from '@/generated/prisma/enums';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import type { Changes } from './changes';

export type AuditEntry = {
  action: string;
  outcome?: AuditOutcome;
  targetType?: string;
  targetId?: string;
  environment?: string | null;
  changes?: Changes;
  detail?: Record<string, string | number | boolean | null>;
  /** For sign-in attempts, where the caller is not (yet) a user. */
  actor?: { id?: string | null; email?: string | null; role?: Role | null };
};

export async function recordAudit(client: Tx | typeof db, caller: Caller, entry: AuditEntry): Promise<void> {
  const actor = entry.actor ?? caller.user;
  await client.auditEvent.create({
    data: {
      actorId: actor?.id ?? null,
      actorEmail: actor?.email ?? null,
      actorRole: actor?.role ?? null,
      action: entry.action,
      outcome: entry.outcome ?? 'success',
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      environment: entry.environment ?? null,
      changes: entry.changes && Object.keys(entry.changes).length ? (entry.changes as Prisma.InputJsonValue) : undefined,
      detail: entry.detail ?? undefined,
      ip: caller.request.ip,
      userAgent: caller.request.userAgent,
      requestId: caller.request.requestId,
    },
  });
}
