// The hash chain's arithmetic: an audit event's canonical form and its hash. Pure (no
// database, no server-only), so the evidence-bundle verifier can recompute the hashes of
// exported events anywhere. The format is described in lib/audit/chain.ts.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = Buffer.alloc(32);

/** One audit_events row, as canonicalised (column names as in the database). */
export type ChainedRow = {
  id: bigint | string;
  seq: bigint | string;
  prev_hash: Uint8Array;
  occurred_at: Date;
  actor_id: string | null;
  actor_email: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  environment: string | null;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  changes: unknown;
  detail: unknown;
};

/** JSON with object keys sorted at every depth; undefined members are left out as JSON does. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** jsonb values as the database will give them back (Dates become strings, undefined goes). */
const jsonValue = (value: unknown) => (value === null || value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown));

export function canonicalEvent(row: ChainedRow): string {
  return canonicalJson({
    id: row.id.toString(),
    seq: row.seq.toString(),
    prev_hash: Buffer.from(row.prev_hash).toString('hex'),
    occurred_at: row.occurred_at.toISOString(),
    actor_id: row.actor_id?.toLowerCase() ?? null,
    actor_email: row.actor_email,
    actor_role: row.actor_role,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    environment: row.environment,
    outcome: row.outcome,
    ip: row.ip,
    user_agent: row.user_agent,
    request_id: row.request_id,
    changes: jsonValue(row.changes),
    detail: jsonValue(row.detail),
  });
}

export function eventHash(row: ChainedRow): Buffer {
  return createHash('sha256').update(row.prev_hash).update(canonicalEvent(row), 'utf8').digest();
}
