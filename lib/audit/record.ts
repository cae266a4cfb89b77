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
  await client.auditEvent.create({ data: auditEventData(caller, entry) });
}

/**
 * Many events at once (bulk imports), with the same columns recordAudit writes. One
 * INSERT ... SELECT FROM unnest per 5,000 events: Prisma's createMany spends about a
 * second of CPU per thousand rows building parameters, unnest a few milliseconds.
 */
export async function recordAuditMany(client: Tx | typeof db, caller: Caller, entries: AuditEntry[]): Promise<void> {
  const BATCH = 5000;
  for (let i = 0; i < entries.length; i += BATCH) {
    const rows = entries.slice(i, i + BATCH).map((entry) => auditEventData(caller, entry));
    const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k] ?? null);
    const json = (k: 'changes' | 'detail') => rows.map((r) => (r[k] === undefined ? null : JSON.stringify(r[k])));
    await client.$executeRaw`
      INSERT INTO audit_events (actor_id, actor_email, actor_role, action, outcome, target_type, target_id,
                                environment, changes, detail, ip, user_agent, request_id)
      SELECT * FROM unnest(
        ${col('actorId')}::uuid[], ${col('actorEmail')}::text[], ${col('actorRole')}::"Role"[], ${col('action')}::text[],
        ${col('outcome')}::"AuditOutcome"[], ${col('targetType')}::text[], ${col('targetId')}::text[],
        ${col('environment')}::text[], ${json('changes')}::jsonb[], ${json('detail')}::jsonb[], ${col('ip')}::text[],
        ${col('userAgent')}::text[], ${col('requestId')}::text[])`;
  }
}

function auditEventData(caller: Caller, entry: AuditEntry) {
  const actor = entry.actor ?? caller.user;
  return {
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
  } satisfies Prisma.AuditEventCreateManyInput;
}
