// The migrations are the deployable history of schema.prisma: replaying them must give
// exactly the schema (no drift), applying them twice must do nothing, and the database
// itself must keep the audit trail append-only.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../scripts/lib/pg-admin.mjs';
import { applyMigrations, pendingSchemaChanges } from '../../scripts/lib/schema-engine.mjs';
import { cloneTemplate } from '../support/databases.mjs';

const server = () => process.env.TEST_PG_SERVER!;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('migrations', () => {
  it('produce exactly the schema in schema.prisma', async () => {
    const scratch = await createScratchDatabase(server(), 'si_drift');
    cleanups.push(scratch.drop);
    expect(await pendingSchemaChanges(scratch.url)).toBe('');
  });

  it('apply once: a second run finds nothing to do', async () => {
    const db = await cloneTemplate(server(), process.env.TEST_TEMPLATE_DB!);
    cleanups.push(db.drop);
    expect(await applyMigrations(db.url)).toEqual([]);
  });

  it('seed the default environments and make audit_events append-only', async () => {
    const db = await cloneTemplate(server(), process.env.TEST_TEMPLATE_DB!);
    cleanups.push(db.drop);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const envs = await client.query('SELECT name FROM environments ORDER BY position');
      expect(envs.rows.map((r) => r.name)).toEqual(['development', 'staging', 'production']);
      await client.query(`INSERT INTO audit_events (action, outcome) VALUES ('test.event', 'success')`);
      await expect(client.query(`UPDATE audit_events SET action = 'rewritten'`)).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
      await expect(client.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
      const rows = await client.query('SELECT action FROM audit_events');
      expect(rows.rows).toEqual([{ action: 'test.event' }]);
    } finally {
      await client.end();
    }
  });
});
