// Writes a new migration from the change to prisma/schema.prisma since a git ref:
//   node scripts/db-diff.mjs <snake_case_name> [git-ref, default HEAD]
// The SQL is the engine's diff between the two datamodels (no database is read), saved
// as prisma/migrations/<timestamp>_<name>/migration.sql. Review it before committing;
// the drift test (test/integration/migrations.test.ts) proves the result matches.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { datamodelTarget, diffSql, migrationsDir, schemaTarget } from './lib/schema-engine.mjs';

const [name, ref = 'HEAD'] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: node scripts/db-diff.mjs <snake_case_name> [git-ref]');
  process.exit(2);
}
const previous = execFileSync('git', ['show', `${ref}:prisma/schema.prisma`], { encoding: 'utf8' });
// The engine wants a connection even for a datamodel-to-datamodel diff; it reads nothing.
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const sql = (await diffSql(url, datamodelTarget(previous), await schemaTarget()))
  .replace(/^-- This is an empty migration\.\s*$/m, '')
  .trim();
if (!sql) {
  console.log(`schema.prisma has not changed since ${ref}: nothing to write`);
} else {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), `${sql}\n`);
  console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
}
