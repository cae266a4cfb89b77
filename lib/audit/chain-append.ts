// Appending events to the hash chain, as SQL text and parameters any PostgreSQL client can
// run inside its transaction: the app (lib/audit/record.ts, through Prisma) and fixtures
// that need chained events at given times (e2e, benchmarks, through pg). Pure: no
// database client, no server-only, so one statement serves them all.
//
// Two steps in one transaction: lock the head and take the ids (HEAD_FOR_UPDATE), then
// insert the chained rows and move the head (appendStatement). The head row's lock
// serialises appends until commit, so seqs have no gaps and no two events share a
// predecessor; ids come from the sequence under the lock, so id order is chain order too.
// Inserting and moving the head must be one statement: the database's triggers
// (prisma/migrations/*_audit_runtime_role_guards) check at its end that the head moved
// exactly onto the new events, which is all the app's runtime role may do to the head.
import { eventHash, type ChainedRow } from './chain-hash';

/** An event's content: every column the chain hashes except its place in the chain. */
export type EventContent = Omit<ChainedRow, 'id' | 'seq' | 'prev_hash'>;

export type ChainHeadRow = { seq: bigint; hash: Uint8Array; now: Date; ids: string[] };

/**
 * $1: how many ids to take. Returns the head (seq, hash), the time for the new events and
 * the ids. The time is read once the lock is held (a blocked append re-reads the head row
 * when the lock frees) and never earlier than the head's: event times never go backwards
 * along the chain, whatever the clock or the transaction's start did, so a time range of
 * the trail is a range of ids too (lib/data/audit-events.ts), and verifyChain checks it.
 */
export const HEAD_FOR_UPDATE = `
  SELECT seq, hash, GREATEST(clock_timestamp()::timestamptz(3), last_occurred_at) AS now,
         ARRAY(SELECT nextval('audit_events_id_seq')::text FROM generate_series(1, $1::int)) AS ids
  FROM audit_chain_head WHERE id = 1 FOR UPDATE`;

export type ChainedEvent = EventContent & { id: bigint; seq: bigint; prev_hash: Buffer; hash: Buffer };

/** The events, in the order given, appended after the head: ids, seqs, prev_hash and hash. */
export function chainEvents(head: ChainHeadRow, events: EventContent[]): ChainedEvent[] {
  if (head.ids.length !== events.length) throw new Error(`took ${head.ids.length} ids for ${events.length} events`);
  // Times never go backwards along the chain: none before the head's time, each at or after the one before.
  let floor = head.now;
  for (const event of events) {
    if (event.occurred_at < floor) throw new Error('audit events are appended in time order, none before the chain head');
    floor = event.occurred_at;
  }
  const ids = head.ids.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let prev: Buffer = Buffer.from(head.hash);
  let seq = head.seq;
  return events.map((event, k) => {
    seq += 1n;
    const row = { ...event, id: ids[k], seq, prev_hash: prev };
    prev = eventHash(row);
    return { ...row, hash: prev };
  });
}

/** INSERT of the chained events and the head moved to the last of them: one statement. */
export function appendStatement(rows: ChainedEvent[]): { text: string; values: unknown[] } {
  const last = rows.at(-1);
  if (!last) throw new Error('nothing to append');

  const col = <K extends keyof ChainedEvent>(k: K) => rows.map((r) => r[k] ?? null);
  const text = (k: 'id' | 'seq') => rows.map((r) => r[k].toString());
  const hex = (k: 'prev_hash' | 'hash') => rows.map((r) => r[k].toString('hex'));
  const json = (k: 'changes' | 'detail') => rows.map((r) => (r[k] === null || r[k] === undefined ? null : JSON.stringify(r[k])));
  const iso = rows.map((r) => r.occurred_at.toISOString());
  return {
    text: `
      WITH appended AS (
        INSERT INTO audit_events (id, seq, prev_hash, hash, occurred_at, actor_id, actor_email, actor_role, action, outcome,
                                  target_type, target_id, environment, changes, detail, ip, user_agent, request_id)
        SELECT id, seq, decode(prev_hash, 'hex'), decode(hash, 'hex'), occurred_at, actor_id, actor_email,
               actor_role, action, outcome, target_type, target_id, environment, changes, detail, ip, user_agent, request_id
        FROM unnest(
          $1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[],
          $6::uuid[], $7::text[], $8::"Role"[], $9::text[], $10::"AuditOutcome"[], $11::text[], $12::text[],
          $13::text[], $14::jsonb[], $15::jsonb[], $16::text[], $17::text[], $18::text[]
        ) AS u(id, seq, prev_hash, hash, occurred_at, actor_id, actor_email, actor_role, action, outcome, target_type, target_id,
               environment, changes, detail, ip, user_agent, request_id)
        RETURNING 1
      )
      UPDATE audit_chain_head SET seq = $19::bigint, hash = decode($20, 'hex'), last_occurred_at = $21::timestamptz WHERE id = 1`,
    values: [
      text('id'),
      text('seq'),
      hex('prev_hash'),
      hex('hash'),
      iso,
      col('actor_id'),
      col('actor_email'),
      col('actor_role'),
      col('action'),
      col('outcome'),
      col('target_type'),
      col('target_id'),
      col('environment'),
      json('changes'),
      json('detail'),
      col('ip'),
      col('user_agent'),
      col('request_id'),
      last.seq.toString(),
      last.hash.toString('hex'),
      last.occurred_at.toISOString(),
    ],
  };
}
