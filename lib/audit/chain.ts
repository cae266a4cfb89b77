// The audit trail's hash chain: the canonical form of an event, its hash, and the walk
// that checks every link. The append-only trigger stops ordinary writers; the chain
// makes what a superuser (or a restored backup) changed visible afterwards.
//
// Each chained event has seq (1, 2, 3 ... without gaps), prev_hash (the previous event's
// hash; 32 zero bytes for seq 1) and hash = SHA-256(prev_hash || canonical), where
// canonical is JSON with sorted keys of every column except hash: bigints as decimal
// strings, timestamps as ISO-8601 with milliseconds, bytea as lowercase hex, uuids in
// lowercase, jsonb values with their keys sorted at every depth. Anyone can recompute it
// from a plain SELECT.
//
// Event times never go backwards along the chain (lib/audit/chain-append.ts takes them
// under the chain lock), which the walk checks too: the audit page relies on it to turn a
// time range into a range of ids.
//
// After a purge, the walk starts from the newest checkpoint (seq and hash of the last
// purged event) instead of the genesis.
//
// Legacy rows (written before the chain existed: seq is null) are not part of the chain;
// verifyChain counts them. A null-seq row written after the chain started is a break:
// someone inserted an event without appending it to the chain.
import 'server-only';
import type { PrismaClient } from '@/generated/prisma/client';
import { db } from '@/lib/db';
import { eventHash, GENESIS_HASH, type ChainedRow } from './chain-hash';

export type ChainCheck = 'gap' | 'prev_hash' | 'time_order' | 'content_hash' | 'head' | 'unchained';

export type ChainBreak = {
  check: ChainCheck;
  /** The seq the walk expected at the break (for 'unchained': null). */
  seq: bigint | null;
  /** The row at the break (for 'head' with a missing tail: the last row found, if any). */
  id: string | null;
  expected: string;
  stored: string;
  message: string;
};

export type ChainVerification = {
  ok: boolean;
  eventsChecked: number;
  headSeq: bigint;
  headHash: Buffer;
  /** Unchained rows written before the chain started; not verified, only counted. */
  legacyEvents: number;
  break: ChainBreak | null;
  message: string;
};

export type StoredRow = ChainedRow & { id: string; seq: bigint; hash: Uint8Array | null };

const hex = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('hex') : 'null');

/** Chained rows with fromSeq <= seq <= toSeq in seq order, at most limit of them (read through `client`, the app's by default). */
export function readChainBatch(fromSeq: bigint, toSeq: bigint, limit: number, client: PrismaClient = db): Promise<StoredRow[]> {
  return client.$queryRaw<StoredRow[]>`
    SELECT id::text AS id, seq, prev_hash, hash, occurred_at, actor_id::text AS actor_id, actor_email,
           actor_role::text AS actor_role, action, target_type, target_id, environment, outcome::text AS outcome,
           ip, user_agent, request_id, changes, detail
    FROM audit_events WHERE seq >= ${fromSeq} AND seq <= ${toSeq} ORDER BY seq LIMIT ${limit}`;
}

/** The first check a row fails as the successor of (expectedSeq - 1, prev), or null. */
export function linkBreak(row: StoredRow, expectedSeq: bigint, prev: Buffer, notBefore: Date | null = null): ChainBreak | null {
  if (row.seq !== expectedSeq) {
    const last = row.seq - 1n;
    return {
      check: 'gap',
      seq: expectedSeq,
      id: row.id,
      expected: `seq ${expectedSeq}`,
      stored: `seq ${row.seq}`,
      message: `gap in the chain: seq ${expectedSeq}${last > expectedSeq ? `..${last}` : ''} missing before event ${row.id} (seq ${row.seq})`,
    };
  }
  if (!row.prev_hash || !prev.equals(row.prev_hash)) {
    return rowBreak(row, 'prev_hash', prev.toString('hex'), hex(row.prev_hash), ": prev_hash does not match the previous event's hash");
  }
  if (notBefore && row.occurred_at < notBefore) {
    const expected = `at or after ${notBefore.toISOString()}`;
    return rowBreak(row, 'time_order', expected, row.occurred_at.toISOString(), ' is dated before the event preceding it in the chain');
  }
  const computed = eventHash(row);
  if (!row.hash || !computed.equals(row.hash)) {
    return rowBreak(row, 'content_hash', computed.toString('hex'), hex(row.hash), ': content does not match its hash (edited after it was written)');
  }
  return null;
}

/** A break found in `row` itself, named in the message as "event <id> (seq <seq>)<problem>". */
function rowBreak(row: StoredRow, check: ChainCheck, expected: string, stored: string, problem: string): ChainBreak {
  return { check, seq: row.seq, id: row.id, expected, stored, message: `event ${row.id} (seq ${row.seq})${problem}` };
}

/**
 * Walks the chain in seq order in keyset batches (constant memory) up to the head as read
 * at the start, so events appended meanwhile are neither needed nor in the way: the head
 * and its events commit together, so every seq up to it is already visible.
 */
export async function verifyChain(options: { batchSize?: number } = {}): Promise<ChainVerification> {
  const batchSize = options.batchSize ?? 5000;
  const [head] = await db.$queryRaw<{ seq: bigint; hash: Uint8Array }[]>`SELECT seq, hash FROM audit_chain_head WHERE id = 1`;
  if (!head) throw new Error('audit_chain_head has no row: the audit_hash_chain migration did not run');
  const headHash = Buffer.from(head.hash);
  // After a purge (lib/audit/purge.ts) the chain continues from the newest checkpoint.
  const [checkpoint] = await db.$queryRaw<{ seq: bigint; hash: Uint8Array }[]>`
    SELECT seq, hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1`;
  let expectedSeq = checkpoint ? checkpoint.seq + 1n : 1n;
  let prev: Buffer = checkpoint ? Buffer.from(checkpoint.hash) : GENESIS_HASH;
  let prevTime: Date | null = null;
  let lastId: string | null = null;
  let checked = 0;
  let found: ChainBreak | null = null;

  walk: while (expectedSeq <= head.seq) {
    const rows = await readChainBatch(expectedSeq, head.seq, batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      found = linkBreak(row, expectedSeq, prev, prevTime);
      if (found) break walk;
      prev = Buffer.from(row.hash!);
      prevTime = row.occurred_at;
      lastId = row.id;
      expectedSeq += 1n;
      checked += 1;
    }
  }

  if (!found && (expectedSeq - 1n !== head.seq || !prev.equals(headHash))) {
    found = {
      check: 'head',
      seq: expectedSeq,
      id: lastId,
      expected: `seq ${head.seq} ${headHash.toString('hex')}`,
      stored: `seq ${expectedSeq - 1n} ${prev.toString('hex')}`,
      message:
        expectedSeq - 1n !== head.seq
          ? `the chain ends at seq ${expectedSeq - 1n} but its head is at seq ${head.seq}: events from seq ${expectedSeq} on are missing`
          : `the last event's hash does not match the chain head`,
    };
  }

  // Unchained rows: those before the chain's first event are legacy; any after it was
  // inserted around the chain.
  const [unchained] = await db.$queryRaw<{ legacy: bigint; intruder: string | null }[]>`
    WITH first AS (SELECT id FROM audit_events WHERE seq IS NOT NULL ORDER BY seq LIMIT 1)
    SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM first) OR e.id < (SELECT id FROM first)) AS legacy,
           (min(e.id) FILTER (WHERE e.id > (SELECT id FROM first)))::text AS intruder
    FROM audit_events e WHERE e.seq IS NULL`;
  if (!found && unchained?.intruder) {
    found = {
      check: 'unchained',
      seq: null,
      id: unchained.intruder,
      expected: 'a chained event',
      stored: 'seq, prev_hash and hash are null',
      message: `event ${unchained.intruder} was written after the chain started but is not part of it`,
    };
  }
  const legacyEvents = Number(unchained?.legacy ?? 0n);
  const legacy = legacyEvents ? `; ${legacyEvents} legacy event${legacyEvents === 1 ? '' : 's'} before the chain not verified` : '';
  return {
    ok: !found,
    eventsChecked: checked,
    headSeq: head.seq,
    headHash,
    legacyEvents,
    break: found,
    message: found
      ? `chain broken: ${found.message}`
      : `chain intact: ${checked} event${checked === 1 ? '' : 's'} verified, head seq ${head.seq} ${headHash.toString('hex').slice(0, 16)}…${legacy}`,
  };
}
