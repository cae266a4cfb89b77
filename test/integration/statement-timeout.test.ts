// The app's database client cancels a statement that runs past the statement timeout and
// says so with its own error; exports and long-running processes set their own limit.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { failureOf } from '@/lib/action';
import { Prisma } from '@/generated/prisma/client';
import { closeDb, db, exportRead, queryRows, setStatementTimeout } from '@/lib/db';
import { QueryTimeoutError } from '@/lib/errors';
import { callerAs, seedUser } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { errorOf } from '../support/errors';

// Read when the pool is first created (lib/env.ts parses lazily).
process.env.DATABASE_STATEMENT_TIMEOUT_MS = '300';
useTestDatabase();

describe('the statement timeout', () => {
  it('cancels a slow raw statement with QueryTimeoutError', async () => {
    const error = await errorOf(db.$queryRaw`SELECT pg_sleep(30)`);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect((error as Error).message).toMatch(/^The database took longer than 1 s to answer, so the request was stopped/);
  });

  it('cancels a slow read through the pool (queryRows) the same way', async () => {
    expect(await errorOf(queryRows(Prisma.sql`SELECT pg_sleep(30)`))).toBeInstanceOf(QueryTimeoutError);
    expect(await queryRows(Prisma.sql`SELECT ${'a'}::text AS v, 2::int AS n`)).toEqual([{ v: 'a', n: 2 }]);
  });

  it('cancels a model query waiting on a lock, inside a transaction too', async () => {
    const user = await seedUser('viewer');
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [user.id]);
      expect(await errorOf(db.user.update({ where: { id: user.id }, data: { name: 'renamed' } }))).toBeInstanceOf(QueryTimeoutError);
      const inTransaction = db.$transaction(async (tx) => {
        await tx.user.findFirst();
        await tx.$executeRaw`UPDATE users SET name = 'renamed' WHERE id = ${user.id}::uuid`;
      });
      expect(await errorOf(inTransaction)).toBeInstanceOf(QueryTimeoutError);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name).not.toBe('renamed');
  });

  it('reaches the person as that message from a server action, not a generic failure', async () => {
    const caller = await callerAs('viewer');
    const failure = failureOf(await errorOf(db.$queryRaw`SELECT pg_sleep(30)`), caller);
    expect(failure).toEqual({ ok: false, error: expect.stringMatching(/^The database took longer than 1 s to answer/) });
  });

  it('is lifted for an export batch, and the connection gets its own back afterwards', async () => {
    const { rows } = await exportRead<{ done: string }>('SELECT pg_sleep(0.6)::text AS done', []);
    expect(rows).toHaveLength(1);
    const { rows: after } = await exportRead<{ statement_timeout: string }>('SHOW statement_timeout', []);
    expect(after[0].statement_timeout).toBe('0');
    expect(await db.$queryRaw<{ statement_timeout: string }[]>`SHOW statement_timeout`).toEqual([{ statement_timeout: '300ms' }]);
  });

  describe('in a process that sets its own (worker, audit:purge, audit:verify)', () => {
    afterAll(closeDb);

    it('lets a long statement finish', async () => {
      await closeDb();
      setStatementTimeout(0);
      await expect(db.$queryRaw`SELECT pg_sleep(0.6)::text AS slept`).resolves.toEqual([{ slept: '' }]);
      expect(() => setStatementTimeout(1000)).toThrow(/before the database is first used/);
    });
  });
});
