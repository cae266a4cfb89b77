// Writes a new migration for the changes to prisma/schema.prisma that the existing
// migrations do not cover yet (what `prisma migrate dev --create-only` would write):
//   node scripts/db-diff.mjs <snake_case_name>
// Needs a PostgreSQL it may create a scratch database on: DATABASE_URL, else the
// local server at 127.0.0.1:5432. Review the SQL before committing; the drift test
// (test/integration/migrations.test.ts) proves migrations and schema agree.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createScratchDatabase } from './lib/pg-admin.mjs';
import { migrationsDir, pendingSchemaChanges } from './lib/schema-engine.mjs';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: node scripts/db-diff.mjs <snake_case_name>');
  process.exit(2);
}
const server = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const scratch = await createScratchDatabase(server, 'migration_diff');
try {
  const sql = await pendingSchemaChanges(scratch.url);
  if (!sql) {
    console.log('schema.prisma matches the migrations: nothing to write');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(migrationsDir, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'migration.sql'), `${sql}\n`);
    console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  }
} finally {
  await scratch.drop();
}
