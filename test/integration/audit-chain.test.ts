// The audit hash chain against a real PostgreSQL: every recorded event is chained, a row
// edited or deleted by a superuser (bypassing the append-only trigger) is named by the
// verification, parallel writers with rollbacks leave one gapless chain, and
// `npm run audit:verify` reports and records the result.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '@/lib/audit/chain';
import { canonicalJson, GENESIS_HASH } from '@/lib/audit/chain-hash';
import { recordAudit, recordAuditMany } from '@/lib/audit/record';
import { latestChainStatus } from '@/lib/audit/verifications';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import { appProcessEnv } from '../support/app-process';
import { callerAs } from '../support/seed';
import { ownerDatabaseUrl, ownerDb, useTestDatabase } from '../support/test-database';

useTestDatabase();

const root = path.resolve(__dirname, '../..');
let admin: Caller;
let superuser: pg.Client;
let legacyId: string;

beforeAll(async () => {
  // Written straight to the table before the first chained event: a legacy row.
  const legacy = await ownerDb().auditEvent.create({ data: { action: 'test.legacy', outcome: 'success' }, select: { id: true } });
  legacyId = legacy.id.toString();
  admin = await callerAs('admin');
  superuser = new pg.Client({ connectionString: ownerDatabaseUrl() });
  await superuser.connect();
});

afterAll(async () => {
  await superuser?.end();
});

async function head() {
  const [row] = await db.$queryRaw<{ seq: bigint; hash: Uint8Array }[]>`SELECT seq, hash FROM audit_chain_head WHERE id = 1`;
  return { seq: row.seq, hash: Buffer.from(row.hash).toString('hex') };
}

async function chained(action: string) {
  return db.$queryRaw<{ id: string; seq: bigint; detail: { i?: number } | null }[]>`
    SELECT id::text AS id, seq, detail FROM audit_events WHERE action = ${action} ORDER BY seq`;
}

/** Runs SQL as the owner with the append-only trigger bypassed (as an attacker with the owner's rights could). */
async function tamper(sql: string, params: unknown[] = []) {
  await superuser.query('SET session_replication_role = replica');
  try {
    await superuser.query(sql, params);
  } finally {
    await superuser.query('SET session_replication_role = DEFAULT');
  }
}

async function expectIntact() {
  const result = await verifyChain({ batchSize: 1000 });
  expect(result.break).toBeNull();
  expect(result.ok).toBe(true);
  return result;
}

describe('canonical form', () => {
  it('sorts keys at every depth and keeps values exact', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: null, x: 'é"\n' }], c: true }, u: undefined })).toBe(
      '{"a":{"c":true,"d":[1,{"x":"é\\"\\n","y":null}]},"b":1}',
    );
  });
});

describe('appending', () => {
  it('chains every recorded event from the genesis hash, legacy rows counted apart', async () => {
    await recordAudit(db, admin, { action: 'test.first', targetType: 'secret', targetId: 'abc' });
    const [first] = await chained('test.first');
    expect(first.seq).toBe(1n);
    const [row] = await db.$queryRaw<{ prev_hash: Uint8Array }[]>`SELECT prev_hash FROM audit_events WHERE seq = 1`;
    expect(Buffer.from(row.prev_hash).equals(GENESIS_HASH)).toBe(true);
    // jsonb reorders keys and rewrites numbers its own way; the canonical form must not care.
    await db.$transaction(async (tx) => {
      await recordAudit(tx, admin, {
        action: 'test.json',
        changes: { name: { before: 'a', after: 'b' }, zeta: { before: null, after: 'ü "quoted" \\ 🙂' } },
        detail: { z: 1, a: 0.1, big: 1e21, tiny: 5e-324, neg: -0, text: 'line\nbreak', flag: false, none: null },
      });
    });
    const result = await expectIntact();
    expect(result.eventsChecked).toBe(Number((await head()).seq));
    expect(result.legacyEvents).toBe(1);
    expect(result.message).toMatch(/1 legacy event/);
    expect(legacyId).toBeTruthy();
  });

  it('recordAuditMany chains a large batch in the order given, across its internal batches', async () => {
    const before = await head();
    const entries = Array.from({ length: 5003 }, (_, i) => ({ action: 'test.many', detail: { i } }));
    await db.$transaction((tx) => recordAuditMany(tx, admin, entries), { timeout: 60_000 });
    const rows = await chained('test.many');
    expect(rows).toHaveLength(5003);
    rows.forEach((r, i) => {
      expect(r.detail?.i).toBe(i);
      expect(r.seq).toBe(before.seq + BigInt(i + 1));
    });
    // ids follow the chain order too
    const ids = rows.map((r) => BigInt(r.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    expect((await head()).seq).toBe(before.seq + 5003n);
    await expectIntact();
  });

  it('a rolled back transaction leaves no event and the head untouched', async () => {
    const before = await head();
    await expect(
      db.$transaction(async (tx) => {
        await recordAudit(tx, admin, { action: 'test.rolled_back' });
        await recordAuditMany(tx, admin, [{ action: 'test.rolled_back' }, { action: 'test.rolled_back' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await head()).toEqual(before);
    expect(await chained('test.rolled_back')).toEqual([]);
    await recordAudit(db, admin, { action: 'test.after_rollback' });
    const [after] = await chained('test.after_rollback');
    expect(after.seq).toBe(before.seq + 1n);
    await expectIntact();
  });

  it('parallel writers, some rolling back, leave one chain without forks or gaps', async () => {
    const before = await head();
    const writers = Array.from({ length: 20 }, (_, w) =>
      db.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_sleep(${(w % 5) / 200})`;
          await recordAudit(tx, admin, { action: 'test.parallel', detail: { w, k: 0 } });
          await recordAuditMany(tx, admin, [
            { action: 'test.parallel', detail: { w, k: 1 } },
            { action: 'test.parallel', detail: { w, k: 2 } },
          ]);
          if (w % 4 === 3) throw new Error(`writer ${w} rolls back`);
        },
        { timeout: 30_000, maxWait: 30_000 },
      ),
    );
    const outcomes = await Promise.allSettled(writers);
    const committed = outcomes.flatMap((o, w) => (o.status === 'fulfilled' ? [w] : []));
    // only the writers told to roll back failed: no deadlock, no serialization error
    const failures = outcomes.flatMap((o, w) => (o.status === 'rejected' ? [[w, String(o.reason).slice(0, 200)]] : []));
    expect(failures).toEqual(failures.map(([w]) => [w, `Error: writer ${w} rolls back`]));
    expect(committed).toHaveLength(15);

    const rows = await db.$queryRaw<{ seq: bigint; detail: { w: number; k: number } }[]>`
      SELECT seq, detail FROM audit_events WHERE action = 'test.parallel' ORDER BY seq`;
    expect(rows).toHaveLength(45);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => before.seq + BigInt(i + 1)));
    expect([...new Set(rows.map((r) => r.detail.w))].sort((a, b) => a - b)).toEqual(committed);
    // each writer's three events are consecutive: it held the chain until it committed
    for (let i = 0; i < rows.length; i += 3) expect(rows.slice(i, i + 3).map((r) => r.detail.k)).toEqual([0, 1, 2]);
    const [forks] = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) - count(DISTINCT prev_hash) AS n FROM audit_events WHERE seq IS NOT NULL`;
    expect(forks.n).toBe(0n);
    expect((await head()).seq).toBe(before.seq + 45n);
    await expectIntact();
  });

  it('event times never go backwards along the chain, even from a transaction that began earlier', async () => {
    // The long transaction starts first, a short one appends meanwhile, then the long one
    // appends: its event follows in the chain, so its time must not be the earlier start.
    await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT now()`;
      await new Promise((r) => setTimeout(r, 30));
      await recordAudit(db, admin, { action: 'test.time_order', detail: { i: 1 } });
      await recordAudit(tx, admin, { action: 'test.time_order', detail: { i: 2 } });
    });
    const rows = await db.$queryRaw<{ i: number; occurred_at: Date }[]>`
      SELECT (detail->>'i')::int AS i, occurred_at FROM audit_events WHERE action = 'test.time_order' ORDER BY seq`;
    expect(rows.map((r) => r.i)).toEqual([1, 2]);
    expect(rows[1].occurred_at.getTime()).toBeGreaterThanOrEqual(rows[0].occurred_at.getTime());
    await expectIntact();
  });

  it('the append-only trigger still refuses UPDATE, DELETE and TRUNCATE', async () => {
    for (const sql of ['UPDATE audit_events SET action = $$x$$ WHERE seq = 1', 'DELETE FROM audit_events WHERE seq = 1', 'TRUNCATE audit_events']) {
      await expect(superuser.query(sql)).rejects.toThrow(/append-only/);
    }
  });
});

describe('verification finds tampering', () => {
  it('names a row whose content was edited, and passes again once it is restored', async () => {
    const [target] = await chained('test.first');
    await tamper(`UPDATE audit_events SET target_id = 'xyz' WHERE id = $1`, [target.id]);
    const broken = await verifyChain({ batchSize: 7 });
    expect(broken.ok).toBe(false);
    expect(broken.break).toMatchObject({ check: 'content_hash', id: target.id, seq: target.seq });
    expect(broken.break?.expected).not.toBe(broken.break?.stored);
    expect(broken.message).toContain(`event ${target.id}`);
    await tamper(`UPDATE audit_events SET target_id = 'abc' WHERE id = $1`, [target.id]);
    await expectIntact();
  });

  it('names a row dated before the event preceding it', async () => {
    const [row] = await chained('test.after_rollback');
    const [saved] = (await superuser.query('SELECT occurred_at FROM audit_events WHERE id = $1', [row.id])).rows as { occurred_at: Date }[];
    await tamper(`UPDATE audit_events SET occurred_at = occurred_at - interval '1 day' WHERE id = $1`, [row.id]);
    const broken = await verifyChain();
    expect(broken.break).toMatchObject({ check: 'time_order', id: row.id, seq: row.seq });
    expect(broken.message).toContain('dated before the event preceding it');
    await tamper(`UPDATE audit_events SET occurred_at = $2 WHERE id = $1`, [row.id, saved.occurred_at]);
    await expectIntact();
  });

  it('names a re-hashed row by the broken link after it', async () => {
    const [row] = await chained('test.after_rollback');
    const [next] = await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM audit_events WHERE seq = ${row.seq + 1n}`;
    const [saved] = (await superuser.query('SELECT hash FROM audit_events WHERE id = $1', [row.id])).rows as { hash: Buffer }[];
    await tamper(`UPDATE audit_events SET hash = sha256('forged') WHERE id = $1`, [row.id]);
    expect((await verifyChain()).break).toMatchObject({ check: 'content_hash', id: row.id });
    await tamper(`UPDATE audit_events SET hash = $2 WHERE id = $1`, [row.id, saved.hash]);
    await tamper(`UPDATE audit_events SET prev_hash = sha256('forged') WHERE id = $1`, [next.id]);
    expect((await verifyChain()).break).toMatchObject({ check: 'prev_hash', id: next.id, seq: row.seq + 1n });
    await tamper(`UPDATE audit_events SET prev_hash = $2 WHERE id = $1`, [next.id, saved.hash]);
    await expectIntact();
  });

  it('names the gap a deleted row leaves, also at a batch boundary', async () => {
    for (const seq of [3n, 7n, 8n]) {
      await superuser.query('CREATE TEMP TABLE saved AS SELECT * FROM audit_events WHERE seq = $1', [seq]);
      await tamper('DELETE FROM audit_events WHERE seq = $1', [seq]);
      const [next] = await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM audit_events WHERE seq = ${seq + 1n}`;
      const result = await verifyChain({ batchSize: 7 });
      expect(result.break).toMatchObject({ check: 'gap', seq, id: next.id, stored: `seq ${seq + 1n}` });
      expect(result.message).toContain(`seq ${seq}`);
      await superuser.query('INSERT INTO audit_events SELECT * FROM saved');
      await superuser.query('DROP TABLE saved');
      await expectIntact();
    }
  });

  it('notices a missing tail through the chain head', async () => {
    const { seq } = await head();
    await superuser.query('CREATE TEMP TABLE saved AS SELECT * FROM audit_events WHERE seq = $1', [seq]);
    await tamper('DELETE FROM audit_events WHERE seq = $1', [seq]);
    const result = await verifyChain();
    expect(result.break).toMatchObject({ check: 'head', seq });
    expect(result.message).toContain(`events from seq ${seq} on are missing`);
    await superuser.query('INSERT INTO audit_events SELECT * FROM saved');
    await superuser.query('DROP TABLE saved');
    await expectIntact();
  });

  it('names an event inserted around the chain', async () => {
    const intruder = await ownerDb().auditEvent.create({ data: { action: 'test.intruder', outcome: 'success' }, select: { id: true } });
    const result = await verifyChain();
    expect(result.break).toMatchObject({ check: 'unchained', id: intruder.id.toString() });
    await tamper('DELETE FROM audit_events WHERE id = $1', [intruder.id.toString()]);
    await expectIntact();
  });
});

describe('npm run audit:verify', () => {
  function run() {
    const out = spawnSync('npm', ['run', '--silent', 'audit:verify'], {
      cwd: root,
      env: appProcessEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: out.status, output: `${out.stdout}${out.stderr}` };
  }

  it('reports and records the result; the Audit page status shows the latest', async () => {
    expect(await latestChainStatus(admin)).toBeNull();
    await expect(latestChainStatus(await callerAs('viewer'))).rejects.toThrow(ForbiddenError);

    const ok = run();
    expect(ok.output).toMatch(/audit:verify OK chain intact: \d+ events verified/);
    expect(ok.code).toBe(0);
    const good = await latestChainStatus(await callerAs('auditor'));
    expect(good).toMatchObject({ ok: true, firstBadSeq: null, headSeq: (await head()).seq.toString() });

    const [target] = await chained('test.json');
    await tamper(`UPDATE audit_events SET detail = detail || '{"z": 2}' WHERE id = $1`, [target.id]);
    const bad = run();
    expect(bad.code).toBe(1);
    expect(bad.output).toContain(`event ${target.id} (seq ${target.seq})`);
    expect(bad.output).toContain('check: content_hash');
    expect(await latestChainStatus(admin)).toMatchObject({ ok: false, firstBadSeq: target.seq.toString() });
    await tamper(`UPDATE audit_events SET detail = detail || '{"z": 1}' WHERE id = $1`, [target.id]);
    await expectIntact();
  });
});
