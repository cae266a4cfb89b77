// Writes audit events. Callers pass the transaction that makes the change, so the
// change and its event commit together or not at all. Never give it a secret value.
// Every event is appended to the hash chain (lib/audit/chain.ts) as it is written.
import 'server-only';
import type { Prisma } from '@/generated/prisma/client';
import type { AuditOutcome, Role } from '@/generated/prisma/enums';
import type { Caller } from '@/lib/auth/caller';
import { db, type Tx } from '@/lib/db';
import type { Changes } from './changes';
import { eventHash } from './chain-hash';

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
  if (client === db) await db.$transaction((tx) => appendInTransaction(tx, rows));
  else await appendInTransaction(client as Tx, rows);
}

/**
 * Appends to the hash chain (lib/audit/chain.ts). The head row's lock serialises appends
 * from here to the caller's commit, so seqs have no gaps and no two events share a
 * predecessor; a rollback takes back the events and the head move together. Callers
 * record their event last in a transaction, so the lock is held only for the commit.
 */
async function appendInTransaction(tx: Tx, rows: EventData[]): Promise<void> {
  const BATCH = 5000;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    // Ids come from the sequence under the lock, so id order is chain order too.
    const [head] = await tx.$queryRaw<{ seq: bigint; hash: Uint8Array; now: Date; ids: string[] }[]>`
      SELECT seq, hash, now()::timestamptz(3) AS now,
             ARRAY(SELECT nextval('audit_events_id_seq')::text FROM generate_series(1, ${batch.length}::int)) AS ids
      FROM audit_chain_head WHERE id = 1 FOR UPDATE`;
    if (!head) throw new Error('audit_chain_head has no row: the audit_hash_chain migration did not run');
    const ids = head.ids.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let prev: Buffer = Buffer.from(head.hash);
    let seq = head.seq;
    const chained = batch.map((r, k) => {
      seq += 1n;
      const row = {
        id: ids[k],
        seq,
        prev_hash: prev,
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
      };
      const hash = eventHash(row);
      prev = hash;
      return { ...row, hash };
    });
    const col = <K extends keyof (typeof chained)[number]>(k: K) => chained.map((r) => r[k] ?? null);
    const text = (k: 'id' | 'seq') => chained.map((r) => r[k].toString());
    const hexs = (k: 'prev_hash' | 'hash') => chained.map((r) => r[k].toString('hex'));
    const json = (k: 'changes' | 'detail') => chained.map((r) => (r[k] === null ? null : JSON.stringify(r[k])));
    await tx.$executeRaw`
      WITH appended AS (
        INSERT INTO audit_events (id, seq, prev_hash, hash, occurred_at, actor_id, actor_email, actor_role, action, outcome,
                                  target_type, target_id, environment, changes, detail, ip, user_agent, request_id)
        SELECT id, seq, decode(prev_hash, 'hex'), decode(hash, 'hex'), ${head.now}::timestamptz, actor_id, actor_email,
               actor_role, action, outcome, target_type, target_id, environment, changes, detail, ip, user_agent, request_id
        FROM unnest(
          ${text('id')}::bigint[], ${text('seq')}::bigint[], ${hexs('prev_hash')}::text[], ${hexs('hash')}::text[],
          ${col('actor_id')}::uuid[], ${col('actor_email')}::text[], ${col('actor_role')}::"Role"[], ${col('action')}::text[],
          ${col('outcome')}::"AuditOutcome"[], ${col('target_type')}::text[], ${col('target_id')}::text[],
          ${col('environment')}::text[], ${json('changes')}::jsonb[], ${json('detail')}::jsonb[], ${col('ip')}::text[],
          ${col('user_agent')}::text[], ${col('request_id')}::text[]
        ) AS u(id, seq, prev_hash, hash, actor_id, actor_email, actor_role, action, outcome, target_type, target_id,
               environment, changes, detail, ip, user_agent, request_id)
        RETURNING 1
      )
      UPDATE audit_chain_head SET seq = ${seq}, hash = decode(${prev.toString('hex')}, 'hex') WHERE id = 1`;
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
