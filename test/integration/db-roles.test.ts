// The audit trail survives its own application: logged in as the role the server and
// worker run as (DATABASE_URL, the runtime role of scripts/lib/db-roles.mjs), nothing
// rewrites history: no UPDATE, DELETE or TRUNCATE of events, no trigger disabled or
// dropped, no checkpoint forged, no chain head moved anywhere but onto the events just
// appended, no event slipped in around the chain, no purge switched on by a session setting. Normal work still succeeds: events
// are appended through recordAudit and the chain verifies.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '@/lib/audit/chain';
import { recordAudit, recordAuditMany } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { callerAs } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

let admin: Caller;
let runtime: pg.Client;

beforeAll(async () => {
  admin = await callerAs('admin');
  await recordAuditMany(db, admin, [{ action: 'test.first' }, { action: 'test.second' }, { action: 'test.third' }]);
  runtime = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await runtime.connect();
});

afterAll(async () => {
  await runtime?.end();
});

async function head() {
  const { rows } = await runtime.query<{ seq: string; hash: Buffer; last_occurred_at: Date }>(
    'SELECT seq::text AS seq, hash, last_occurred_at FROM audit_chain_head WHERE id = 1',
  );
  return rows[0];
}

/** Runs `sql` in a transaction of its own (rolled back), expecting the database to refuse it. */
async function refused(sql: string, params: unknown[] = [], expected: RegExp) {
  await runtime.query('BEGIN');
  try {
    await expect(runtime.query(sql, params), sql).rejects.toThrow(expected);
  } finally {
    await runtime.query('ROLLBACK');
  }
}

async function expectUntouched(before: { events: number; head: Awaited<ReturnType<typeof head>> }) {
  const { rows } = await runtime.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
  expect(rows[0].n).toBe(before.events);
  expect(await head()).toEqual(before.head);
  expect((await verifyChain()).break).toBeNull();
}

async function snapshot() {
  const { rows } = await runtime.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
  return { events: rows[0].n, head: await head() };
}

const DENIED = /permission denied/;
const NOT_OWNER = /must be owner/;

describe('the runtime role (DATABASE_URL)', () => {
  it('is not the owner of the audit tables, nor a superuser', async () => {
    const { rows } = await runtime.query<{ owner: boolean; superuser: boolean }>(
      `SELECT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'audit_events'::regclass), 'USAGE') AS owner,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
    );
    expect(rows[0]).toEqual({ owner: false, superuser: false });
  });

  it('cannot update, delete or truncate audit events', async () => {
    const before = await snapshot();
    for (const sql of [
      `UPDATE audit_events SET action = 'rewritten' WHERE seq = 1`,
      'DELETE FROM audit_events WHERE seq = 1',
      'DELETE FROM audit_events',
      'TRUNCATE audit_events',
      'TRUNCATE audit_chain_head',
      'DELETE FROM audit_chain_head',
      // Nor erase or rewrite a recorded verification (a failed one stays on record).
      'DELETE FROM audit_chain_verifications',
      'UPDATE audit_chain_verifications SET ok = true',
    ]) {
      await refused(sql, [], DENIED);
    }
    await expectUntouched(before);
  });

  it('cannot disable, drop or replace the triggers, nor switch them off for its session', async () => {
    const before = await snapshot();
    for (const sql of [
      'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete',
      'ALTER TABLE audit_events DISABLE TRIGGER ALL',
      'ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_follows_events',
      'DROP TRIGGER audit_events_no_update_delete ON audit_events',
      'DROP TRIGGER audit_chain_head_follows_events ON audit_chain_head',
      'DROP FUNCTION audit_events_refuse_change() CASCADE',
      'ALTER TABLE audit_events OWNER TO CURRENT_USER',
    ]) {
      await refused(sql, [], NOT_OWNER);
    }
    await refused(
      `CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN OLD; END'`,
      [],
      /must be owner|permission denied for schema public/,
    );
    await refused('SET session_replication_role = replica', [], /permission denied to set parameter/);
    await expectUntouched(before);
  });

  it('cannot forge a checkpoint', async () => {
    const before = await snapshot();
    await refused(
      `INSERT INTO audit_checkpoints (before, seq, hash, events_purged, file, file_sha256)
       VALUES (now(), $1::bigint, sha256('forged'), 0, 'forged.jsonl', 'x')`,
      [before.head.seq],
      DENIED,
    );
    await refused(`UPDATE audit_checkpoints SET seq = seq + 1`, [], DENIED);
    expect(await db.auditCheckpoint.count()).toBe(0);
    await expectUntouched(before);
  });

  it('cannot move the chain head anywhere but onto events it just appended', async () => {
    const before = await snapshot();
    const moves = /audit_chain_head moves only onto the events appended after it/;
    // Forward to an arbitrary hash, with no event there.
    await refused(`UPDATE audit_chain_head SET seq = seq + 1, hash = sha256('forged') WHERE id = 1`, [], moves);
    // The same seq, another hash (as if the last event had been different).
    await refused(`UPDATE audit_chain_head SET hash = sha256('forged') WHERE id = 1`, [], moves);
    // Back to an earlier event, so that the events after it would fall off the chain.
    await refused(
      `UPDATE audit_chain_head h SET seq = e.seq, hash = e.hash, last_occurred_at = e.occurred_at FROM audit_events e WHERE h.id = 1 AND e.seq = 1`,
      [],
      moves,
    );
    // Forward onto an event inserted after the head but not linked to it.
    await refused(
      `WITH forged AS (
         INSERT INTO audit_events (seq, prev_hash, hash, action, outcome, occurred_at)
         VALUES ($1::bigint + 1, sha256('not the head'), sha256('forged'), 'test.forged', 'success', now()) RETURNING 1)
       UPDATE audit_chain_head SET seq = $1::bigint + 1, hash = sha256('forged'), last_occurred_at = now() WHERE id = 1`,
      [before.head.seq],
      moves,
    );
    // Two events ahead, skipping a seq.
    await refused(
      `WITH forged AS (
         INSERT INTO audit_events (seq, prev_hash, hash, action, outcome, occurred_at)
         VALUES ($1::bigint + 2, $2::bytea, sha256('forged'), 'test.forged', 'success', now()) RETURNING 1)
       UPDATE audit_chain_head SET seq = $1::bigint + 2, hash = sha256('forged'), last_occurred_at = now() WHERE id = 1`,
      [before.head.seq, before.head.hash],
      moves,
    );
    // The head's time moved back (the next event could then be dated before the last).
    await refused(`UPDATE audit_chain_head SET last_occurred_at = '2000-01-01' WHERE id = 1`, [], moves);
    await expectUntouched(before);
  });

  it('cannot slip an event in around the chain, such as a backdated one with a low id', async () => {
    const before = await snapshot();
    const around = /every event is appended to the hash chain/;
    await refused(`INSERT INTO audit_events (action, outcome) VALUES ('test.unchained', 'success')`, [], around);
    await refused(
      `INSERT INTO audit_events (id, occurred_at, actor_email, action, outcome) VALUES (0, '2001-01-01', 'someone@corp.test', 'secret.value_write', 'success')`,
      [],
      around,
    );
    await expectUntouched(before);
  });

  it('cannot plant chained events the head does not reach, behind it or ahead of it', async () => {
    const before = await snapshot();
    const planted = /is not where the chain head was moved/;
    await refused(
      `INSERT INTO audit_events (seq, prev_hash, hash, action, outcome) VALUES ($1::bigint + 1, $2::bytea, sha256('planted'), 'test.planted', 'success')`,
      [before.head.seq, before.head.hash],
      planted,
    );
    // A temporary table of its own named like the head does not fool the check.
    await runtime.query('BEGIN');
    try {
      await runtime.query('CREATE TEMP TABLE audit_chain_head (id int, seq bigint, hash bytea) ON COMMIT DROP');
      await runtime.query(`INSERT INTO audit_chain_head VALUES (1, 1000000, sha256('fake'))`);
      await expect(
        runtime.query(
          `INSERT INTO public.audit_events (seq, prev_hash, hash, action, outcome) VALUES ($1::bigint + 5, sha256('x'), sha256('planted'), 'test.planted', 'success')`,
          [before.head.seq],
        ),
      ).rejects.toThrow(planted);
    } finally {
      await runtime.query('ROLLBACK');
    }
    await expectUntouched(before);
  });

  it('cannot delete by setting the purge session setting, nor call the purge function', async () => {
    const before = await snapshot();
    await runtime.query('BEGIN');
    try {
      await runtime.query(`SET LOCAL audit.purge = 'on'`);
      await expect(runtime.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(DENIED);
    } finally {
      await runtime.query('ROLLBACK');
    }
    await refused(
      `SELECT audit_purge(now(), 90, $1::bigint, $2::bytea, NULL, $1::bigint, 0, 'x.jsonl', 'x')`,
      [before.head.seq, before.head.hash],
      /permission denied for function audit_purge/,
    );
    await expectUntouched(before);
  });

  it('reads the migration history (readiness compares it with the build) and cannot change it', async () => {
    const { rows } = await runtime.query(`SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`);
    expect(rows[0].n).toBeGreaterThan(0);
    await refused(`UPDATE _prisma_migrations SET rolled_back_at = now()`, [], DENIED);
    await refused(`DELETE FROM _prisma_migrations`, [], DENIED);
    await refused(`INSERT INTO _prisma_migrations (id, checksum, migration_name, applied_steps_count) VALUES ('x', 'x', 'x', 1)`, [], DENIED);
  });

  it('still does its normal work: recordAudit appends and the chain verifies', async () => {
    const before = await snapshot();
    await recordAudit(db, admin, { action: 'test.after', detail: { ok: true } });
    await db.$transaction(async (tx) => {
      await tx.team.create({ data: { name: 'db-roles team' } });
      await recordAudit(tx, admin, { action: 'test.in_transaction' });
    });
    const after = await head();
    expect(BigInt(after.seq)).toBe(BigInt(before.head.seq) + 2n);
    const verified = await verifyChain();
    expect(verified.break).toBeNull();
    expect(verified.eventsChecked).toBe(Number(after.seq));
  });
});

describe('the purge role (PURGE_DATABASE_URL)', () => {
  let purge: pg.Client;
  beforeAll(async () => {
    purge = new pg.Client({ connectionString: process.env.PURGE_DATABASE_URL });
    await purge.connect();
  });
  afterAll(async () => {
    await purge?.end();
  });

  it('deletes nothing itself, changes no setting, and audit_purge() refuses a range that is not the chain', async () => {
    const before = await snapshot();
    await expect(purge.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(DENIED);
    await expect(purge.query('UPDATE audit_settings SET retention_days = 1')).rejects.toThrow(DENIED);
    await expect(
      purge.query(`INSERT INTO audit_checkpoints (before, seq, hash, events_purged, file, file_sha256) VALUES (now(), 1, sha256('x'), 1, 'x', 'x')`),
    ).rejects.toThrow(DENIED);
    await runtime.query('UPDATE audit_settings SET retention_days = 90, updated_at = now() WHERE id = 1');
    const call = `SELECT audit_purge(now(), 90, $1::bigint, $2::bytea, NULL, $1::bigint, 0, 'x.jsonl', 'x')`;
    // Everything up to the head, but claiming another last hash.
    await expect(purge.query(call, [before.head.seq, Buffer.alloc(32, 1)])).rejects.toThrow(/not a linked run/);
    // The right hash, but another retention period than the one set.
    await expect(purge.query(call.replace(', 90,', ', 1,'), [before.head.seq, before.head.hash])).rejects.toThrow(/retention period is not the one/);
    await expectUntouched(before);
  });
});
