// The migrations are the deployable history of schema.prisma: replaying them must give
// exactly the schema (no drift), applying them twice must do nothing, and the database
// itself must keep the audit trail append-only. The grants step that follows them
// (scripts/lib/db-roles.mjs) creates cluster-wide roles safely from parallel setups and
// leaves a one-role deployment (no MIGRATION_DATABASE_URL) as it was.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { applyRoleGrants, withRole } from '../../scripts/lib/db-roles.mjs';
import { adminQuery, createScratchDatabase } from '../../scripts/lib/pg-admin.mjs';
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

describe('the grants step', () => {
  it('creates missing roles once when several databases are set up at the same moment, and grants in each', async () => {
    const suffix = randomBytes(4).toString('hex');
    const runtime = `si_race_runtime_${suffix}`;
    const purge = `si_race_purge_${suffix}`;
    const dbs = await Promise.all([1, 2, 3].map(() => cloneTemplate(server(), process.env.TEST_TEMPLATE_DB!)));
    try {
      const results = await Promise.all(
        dbs.map((db) => applyRoleGrants(db.url, { runtimeUrl: withRole(db.url, runtime, 'pw'), purgeUrl: withRole(db.url, purge, 'pw') })),
      );
      for (const result of results) expect(result).toMatchObject({ separated: true, runtime, purge });
      for (const db of dbs) {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const { rows } = await client.query(
            `SELECT has_table_privilege($1, 'audit_events', 'INSERT') AS append, has_table_privilege($1, 'audit_events', 'DELETE') AS remove,
                    has_table_privilege($1, 'secrets', 'UPDATE') AS secrets, has_function_privilege($2, 'audit_purge(timestamptz, integer, bigint, bytea, bigint, bigint, bigint, text, text)', 'EXECUTE') AS purge,
                    has_function_privilege($1, 'audit_purge(timestamptz, integer, bigint, bytea, bigint, bigint, bigint, text, text)', 'EXECUTE') AS runtime_purge,
                    (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'pgboss') AS jobs_owner`,
            [runtime, purge],
          );
          expect(rows[0]).toEqual({ append: true, remove: false, secrets: true, purge: true, runtime_purge: false, jobs_owner: runtime });
        } finally {
          await client.end();
        }
      }
    } finally {
      for (const db of dbs) await db.drop();
      await adminQuery(server(), `DROP ROLE IF EXISTS ${runtime}, ${purge}`);
    }
  });

  it('changes nothing when DATABASE_URL logs in as the owner (no MIGRATION_DATABASE_URL)', async () => {
    const db = await cloneTemplate(server(), process.env.TEST_TEMPLATE_DB!);
    cleanups.push(db.drop);
    const owner = new URL(db.url).username || 'postgres';
    expect(await applyRoleGrants(db.url, { runtimeUrl: db.url })).toEqual({ separated: false, owner });
  });
});
