// The quick start's default: with no DATABASE_URL, `npm start` runs an embedded
// PostgreSQL and migrates it. This proves that path works on this machine.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../scripts/lib/embedded-db.mjs';
import { applyMigrations, migrationsDir } from '../../scripts/lib/schema-engine.mjs';

it('starts an embedded PostgreSQL off the system port and migrates it', async () => {
  const name = `test-embedded-${process.pid}`;
  const embedded = await startEmbeddedPostgres({ name, persistent: false });
  try {
    expect(new URL(embedded.url).port).not.toBe('5432');
    const migrations = readdirSync(migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(await applyMigrations(embedded.url)).toEqual(migrations);
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    const { rows } = await client.query('SELECT version()');
    await client.end();
    expect(rows[0].version).toMatch(/^PostgreSQL 18/);
  } finally {
    await embedded.stop();
  }
  expect(existsSync(path.join(process.cwd(), '.data', name))).toBe(false);
});
