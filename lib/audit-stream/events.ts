// What a sink receives for one audit event: the event's stored columns in the chain's
// canonical form (lib/audit/chain-hash.ts, the same form audit:purge exports) plus its
// hash, so a SIEM can check the chain itself. Nothing else: audit events hold metadata,
// version ids and fingerprints by construction, never a value.
import 'server-only';
import { readChainBatch, type StoredRow } from '@/lib/audit/chain';
import { canonicalEvent } from '@/lib/audit/chain-hash';

export type StreamEvent = {
  seq: bigint;
  occurredAt: Date;
  action: string;
  outcome: string;
  /** The stored columns (canonical form, strings for ids and seqs) and `hash` (hex). */
  record: Record<string, unknown>;
};

/** Beyond any seq (PostgreSQL's bigint maximum). */
const LAST_SEQ = 9_223_372_036_854_775_807n;

export function streamEvent(row: StoredRow): StreamEvent {
  const record = { ...(JSON.parse(canonicalEvent(row)) as Record<string, unknown>), hash: row.hash ? Buffer.from(row.hash).toString('hex') : null };
  return { seq: row.seq, occurredAt: row.occurred_at, action: row.action, outcome: row.outcome, record };
}

/** Up to `limit` events after `ackedSeq`, in seq order. */
export async function eventsAfter(ackedSeq: bigint, limit: number): Promise<StreamEvent[]> {
  const rows = await readChainBatch(ackedSeq + 1n, LAST_SEQ, limit);
  return rows.map(streamEvent);
}

/** A made-up event for "Send test": seq 0, which no real event has, and test: true. */
export function testEvent(now: Date): StreamEvent {
  return {
    seq: 0n,
    occurredAt: now,
    action: 'audit_sink.test',
    outcome: 'success',
    record: { seq: '0', occurred_at: now.toISOString(), action: 'audit_sink.test', outcome: 'success', test: true },
  };
}

/** The record's field as text, or null (for syslog parameters and OTLP attributes). */
export function field(event: StreamEvent, name: string): string | null {
  const value = event.record[name];
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
