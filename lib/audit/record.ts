// Writes audit events. Callers pass the transaction that makes the change, so the
// change and its event commit together or not at all. Never give it a secret value.
// Every event is appended to the hash chain (lib/audit/chain.ts) as it is written.
import 'server-only';
import type { Prisma } from '@/generated/prisma/client';
import type { AuditOutcome, Role } from '@/generated/prisma/enums';
import type { Caller, RequestMeta } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import type { Changes } from './changes';
import { appendStatement, chainEvents, HEAD_FOR_UPDATE, type ChainHeadRow } from './chain-append';

/** A detail field: a scalar, or a short list of names (e.g. a rotation's stragglers). */
export type AuditDetailValue = string | number | boolean | null | readonly string[];

export type AuditEntry = {
  action: string;
  outcome?: AuditOutcome;
  targetType?: string;
  targetId?: string;
  environment?: string | null;
  changes?: Changes;
  detail?: Record<string, AuditDetailValue>;
  /** For sign-in attempts, where the caller is not (yet) a user. */
  actor?: { id?: string | null; email?: string | null; role?: Role | null };
  /** For events that summarise other requests (signed-out denials): whose address to record. */
  request?: RequestMeta;
};

export async function recordAudit(client: Tx | typeof db, caller: Caller, entry: AuditEntry): Promise<void> {
  await appendEvents(client, [auditEventData(caller, entry)]);
}

/**
 * Many events at once (bulk imports), with the same columns recordAudit writes, chained
 * in the order given. One INSERT ... SELECT FROM unnest per 5,000 events: Prisma's
 * createMany spends about a second of CPU per thousand rows building parameters, unnest
 * a few milliseconds.
 */
export async function recordAuditMany(client: Tx | typeof db, caller: Caller, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await appendEvents(
    client,
    entries.map((entry) => auditEventData(caller, entry)),
  );
}

type EventData = ReturnType<typeof auditEventData>;

/**
 * A caller that passed the db itself gets a transaction of its own for the append. (Not
 * "has $transaction": Prisma's transaction clients have one too, which would open a
 * savepoint inside the caller's transaction for nothing.)
 */
async function appendEvents(client: Tx | typeof db, rows: EventData[]): Promise<void> {
  // Waits up to 10 s for a connection (Prisma's default gives up after 2): an event recorded
  // on its own, such as an export's, must queue under load rather than be lost.
  if (client === db) await db.$transaction((tx) => appendInTransaction(tx, rows), { maxWait: 10_000, timeout: 15_000 });
  else await appendInTransaction(client as Tx, rows);
}

/**
 * Appends to the hash chain (lib/audit/chain-append.ts). The head row's lock is held from
 * here to the caller's commit; a rollback takes back the events and the head move
 * together. Callers record their event last in a transaction, so the lock is held only
 * for the commit. Every event of one call gets the same time, read under the lock.
 */
async function appendInTransaction(tx: Tx, rows: EventData[]): Promise<void> {
  const BATCH = 5000;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const [head] = await tx.$queryRawUnsafe<ChainHeadRow[]>(HEAD_FOR_UPDATE, batch.length);
    if (!head) throw new Error('audit_chain_head has no row: the audit_hash_chain migration did not run');
    const chained = chainEvents(
      head,
      batch.map((r) => ({
        occurred_at: head.now,
        actor_id: r.actorId,
        actor_email: r.actorEmail,
        actor_role: r.actorRole,
        action: r.action,
        target_type: r.targetType,
        target_id: r.targetId,
        environment: r.environment,
        outcome: r.outcome,
        ip: r.ip,
        user_agent: r.userAgent,
        request_id: r.requestId,
        changes: r.changes ?? null,
        detail: r.detail ?? null,
      })),
    );
    const statement = appendStatement(chained);
    await tx.$executeRawUnsafe(statement.text, ...statement.values);
  }
}

function auditEventData(caller: Caller, entry: AuditEntry) {
  const actor = entry.actor ?? caller.user;
  const request = entry.request ?? caller.request;
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
    // A call made with an access token names the token (lib/auth/api-tokens.ts): every use is traceable to it.
    detail: caller.tokenId ? { ...entry.detail, tokenId: caller.tokenId } : (entry.detail ?? undefined),
    ip: request.ip,
    userAgent: request.userAgent,
    requestId: request.requestId,
  } satisfies Prisma.AuditEventCreateManyInput;
}
