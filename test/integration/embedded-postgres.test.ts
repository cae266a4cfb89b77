// The quick start's default: with no DATABASE_URL, `npm start` runs an embedded
// PostgreSQL, migrates it as its superuser and creates the runtime role the server logs
// in as, with a password (the embedded cluster asks for one). This proves that path
// works on this machine.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { migrateAndGrant, withRole } from '../../scripts/lib/db-roles.mjs';
import { startEmbeddedPostgres } from '../../scripts/lib/embedded-db.mjs';
import { migrationsDir } from '../../scripts/lib/schema-engine.mjs';

it('starts an embedded PostgreSQL off the system port, migrates it and lets the runtime role in with its password', async () => {
  const name = `test-embedded-${process.pid}`;
  const embedded = await startEmbeddedPostgres({ name, persistent: false });
  try {
    expect(new URL(embedded.url).port).not.toBe('5432');
    const migrations = readdirSync(migrationsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const runtimeUrl = withRole(embedded.url, 'si_runtime', 'embedded-test-password');
    const { applied, roles } = await migrateAndGrant({ ownerUrl: embedded.url, runtimeUrl });
    expect(applied).toEqual(migrations);
    expect(roles).toMatchObject({ separated: true, owner: 'postgres', runtime: 'si_runtime' });
    const client = new pg.Client({ connectionString: runtimeUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT version(), current_user');
      expect(rows[0].version).toMatch(/^PostgreSQL 18/);
      expect(rows[0].current_user).toBe('si_runtime');
      await expect(client.query('DELETE FROM audit_events')).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
    const wrong = new pg.Client({ connectionString: withRole(embedded.url, 'si_runtime', 'not-the-password') });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  } finally {
    await embedded.stop();
  }
  expect(existsSync(path.join(process.cwd(), '.data', name))).toBe(false);
});
