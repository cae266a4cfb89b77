// Audit retention against a real PostgreSQL: `npm run audit:purge` exports the events it
// removes (and the export verifies on its own), leaves a checkpoint the remaining chain
// verifies from, refuses everything while the period is "keep forever", dates inside the
// period an administrator set (audit_settings) and broken chains, and the append-only
// trigger still refuses everything that is not such a purge.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '@/lib/audit/chain';
import { canonicalJson } from '@/lib/audit/chain-hash';
import { purgeAuditEvents, PurgeRefused } from '@/lib/audit/purge';
import { recordAudit, recordAuditMany } from '@/lib/audit/record';
import type { Caller } from '@/lib/auth/caller';
import { getAuditRetention, updateAuditRetention } from '@/lib/data/audit-retention';
import { db } from '@/lib/db';
import { appProcessEnv } from '../support/app-process';
import { callerAs } from '../support/seed';
import { ownerDatabaseUrl, ownerDb, useTestDatabase } from '../support/test-database';

useTestDatabase();

const root = path.resolve(__dirname, '../..');
const DAY = 86_400_000;
let admin: Caller;
let superuser: pg.Client;
let dir: string;
let cutA: Date;
let cutB: Date;

async function dbNow(): Promise<Date> {
  await new Promise((r) => setTimeout(r, 20));
  const [row] = await db.$queryRaw<{ t: Date }[]>`SELECT clock_timestamp()::timestamptz(3) AS t`;
  await new Promise((r) => setTimeout(r, 20));
  return row.t;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'audit-purge-'));
  await ownerDb().auditEvent.create({ data: { action: 'test.legacy', outcome: 'success' } });
  admin = await callerAs('admin');
  await recordAuditMany(db, admin, [
    { action: 'test.old', detail: { i: 0 } },
    { action: 'test.old', detail: { i: 1 } },
  ]);
  await recordAudit(db, admin, { action: 'test.old', changes: { name: { before: 'x', after: 'y' } } });
  cutA = await dbNow();
  await recordAuditMany(db, admin, [{ action: 'test.middle' }, { action: 'test.middle' }]);
  cutB = await dbNow();
  await recordAudit(db, admin, { action: 'test.new' });
  superuser = new pg.Client({ connectionString: ownerDatabaseUrl() });
  await superuser.connect();
});

afterAll(async () => {
  await superuser?.end();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const RETENTION_DAYS = 90;
/** A day after `d` leaves the retention period. */
const later = (d: Date) => new Date(d.getTime() + (RETENTION_DAYS + 1) * DAY);
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const count = async (action: string) => db.auditEvent.count({ where: { action } });

describe('audit:purge', () => {
  it('refuses while the period is "keep forever", inside the configured period, and with nothing to purge', async () => {
    const file = path.join(dir, 'refused.jsonl');
    // The default: no period, nothing may be purged, however old.
    expect((await getAuditRetention(admin)).retentionDays).toBeNull();
    await expect(purgeAuditEvents({ before: cutA, exportFile: file, now: later(cutA) })).rejects.toThrow(/keep forever.*nothing may be purged/);

    await updateAuditRetention(admin, { keep: 'days', retentionDays: String(RETENTION_DAYS) });
    const inside = new Date(cutA.getTime() + (RETENTION_DAYS - 1) * DAY);
    await expect(purgeAuditEvents({ before: cutA, exportFile: file, now: inside })).rejects.toThrow(/younger than the retention period \(90 days\)/);
    await expect(purgeAuditEvents({ before: cutA, exportFile: file })).rejects.toThrow(/younger than the retention period \(90 days\)/);
    await expect(purgeAuditEvents({ before: new Date('2000-01-01'), exportFile: file })).rejects.toThrow(/No events before/);
    expect(existsSync(file)).toBe(false);
    expect(await count('test.old')).toBe(3);
    expect(await db.auditCheckpoint.count()).toBe(0);
  });

  it('never overwrites an existing export file', async () => {
    const file = path.join(dir, 'exists.jsonl');
    writeFileSync(file, 'earlier export\n');
    await expect(purgeAuditEvents({ before: cutA, exportFile: file, now: later(cutA) })).rejects.toThrow(/already exists/);
    expect(readFileSync(file, 'utf8')).toBe('earlier export\n');
    expect(await count('test.old')).toBe(3);
  });

  it('refuses to purge a broken chain and leaves everything in place', async () => {
    const [row] = await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM audit_events WHERE action = 'test.old' ORDER BY seq LIMIT 1`;
    await superuser.query('SET session_replication_role = replica');
    await superuser.query(`UPDATE audit_events SET target_id = 'forged' WHERE id = $1`, [row.id]);
    const file = path.join(dir, 'broken.jsonl');
    const attempt = purgeAuditEvents({ before: cutA, exportFile: file, now: later(cutA) });
    await expect(attempt).rejects.toThrow(PurgeRefused);
    await expect(attempt).rejects.toThrow(new RegExp(`chain is broken.*event ${row.id}`));
    await superuser.query(`UPDATE audit_events SET target_id = NULL WHERE id = $1`, [row.id]);
    await superuser.query('SET session_replication_role = DEFAULT');
    expect(existsSync(file)).toBe(false);
    expect(await db.auditCheckpoint.count()).toBe(0);
    expect(await count('test.old')).toBe(3);
    expect((await verifyChain()).ok).toBe(true);
  });

  it('exports, checkpoints and deletes the old events; the rest still verifies', async () => {
    const file = path.join(dir, 'first.jsonl');
    const result = await purgeAuditEvents({ before: cutA, exportFile: file, now: later(cutA), operator: 'ops' });
    expect(result).toMatchObject({ eventsPurged: 3, legacyPurged: 1 });
    expect(await count('test.old')).toBe(0);
    expect(await count('test.legacy')).toBe(0);
    expect(await count('test.middle')).toBe(2);

    // The export verifies on its own: each chained line's hash from its content and predecessor.
    const bytes = readFileSync(file);
    const lines = bytes
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.action)).toEqual(['test.legacy', 'test.old', 'test.old', 'test.old']);
    expect(lines[0]).toMatchObject({ seq: null, hash: null });
    let prev = Buffer.alloc(32).toString('hex');
    for (const line of lines.slice(1)) {
      const { hash, ...content } = line;
      expect(content.prev_hash).toBe(prev);
      expect(sha256(Buffer.concat([Buffer.from(prev, 'hex'), Buffer.from(canonicalJson(content))]))).toBe(hash);
      prev = hash as string;
    }
    expect(lines[3].changes).toEqual({ name: { after: 'y', before: 'x' } });

    const [checkpoint] = await db.auditCheckpoint.findMany();
    expect(checkpoint).toMatchObject({ seq: result.throughSeq, eventsPurged: 4n, file: 'first.jsonl', fileSha256: sha256(bytes) });
    expect(Buffer.from(checkpoint.hash).toString('hex')).toBe(prev);
    const [event] = await db.auditEvent.findMany({ where: { action: 'audit.purge' } });
    expect(event).toMatchObject({
      actorEmail: 'audit-purge',
      detail: { eventsPurged: 3, legacyPurged: 1, fileSha256: sha256(bytes), operator: 'ops', retentionDays: RETENTION_DAYS },
    });
    // What Settings -> Audit retention and the Audit page show.
    expect((await getAuditRetention(admin)).lastPurge).toEqual({
      at: checkpoint.createdAt.toISOString(),
      before: cutA.toISOString(),
      throughSeq: result.throughSeq.toString(),
      eventsPurged: 4,
      file: 'first.jsonl',
    });

    const verified = await verifyChain();
    expect(verified.break).toBeNull();
    expect(verified.legacyEvents).toBe(0);
  });

  it('the trigger lets nothing else through, even for the owner with the old purge setting on', async () => {
    await superuser.query('BEGIN');
    try {
      await superuser.query(`SET LOCAL audit.purge = 'on'`);
      await expect(superuser.query(`DELETE FROM audit_events WHERE action = 'test.middle'`)).rejects.toThrow(/append-only: DELETE/);
    } finally {
      await superuser.query('ROLLBACK');
    }
    await superuser.query('BEGIN');
    try {
      await superuser.query(`SET LOCAL audit.purge = 'on'`);
      await expect(superuser.query(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/append-only: UPDATE/);
    } finally {
      await superuser.query('ROLLBACK');
    }
    await expect(superuser.query(`DELETE FROM audit_events WHERE action = 'test.middle'`)).rejects.toThrow(/append-only/);
    await expect(superuser.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect(await count('test.middle')).toBe(2);
  });

  it('a second purge continues from the checkpoint, and a tampered remainder is still caught', async () => {
    const result = await purgeAuditEvents({ before: cutB, exportFile: path.join(dir, 'second.jsonl'), now: later(cutB) });
    // the first purge's own event came after cutB: it stays
    expect(result).toMatchObject({ eventsPurged: 2, legacyPurged: 0 });
    expect(await count('audit.purge')).toBe(2);
    expect(await count('test.middle')).toBe(0);
    expect(await db.auditCheckpoint.count()).toBe(2);
    expect((await verifyChain()).break).toBeNull();

    const [row] = await db.$queryRaw<{ id: string; seq: bigint }[]>`SELECT id::text AS id, seq FROM audit_events WHERE action = 'test.new'`;
    await superuser.query('SET session_replication_role = replica');
    await superuser.query(`UPDATE audit_events SET action = 'test.renamed' WHERE id = $1`, [row.id]);
    await superuser.query('SET session_replication_role = DEFAULT');
    expect((await verifyChain()).break).toMatchObject({ check: 'content_hash', id: row.id, seq: row.seq });
  });

  it('npm run audit:purge refuses what the retention period set in the database protects', () => {
    const out = spawnSync('npm', ['run', '--silent', 'audit:purge', '--', '--before', new Date().toISOString(), '--export', path.join(dir, 'cli.jsonl')], {
      cwd: root,
      env: appProcessEnv({ PURGE_DATABASE_URL: process.env.PURGE_DATABASE_URL }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(`${out.stdout}${out.stderr}`).toContain('audit:purge REFUSED Events younger than the retention period (90 days)');
    expect(out.status).toBe(1);
    expect(existsSync(path.join(dir, 'cli.jsonl'))).toBe(false);
  });
});
