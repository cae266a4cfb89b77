// Prisma's schema engine, loaded from its WebAssembly build. The CLI's native engine
// is downloaded from Prisma's servers at run time, which fails offline and in locked-down
// deployments; the wasm build ships inside the npm package. Migrations stay in Prisma's
// own folder format, so `prisma migrate deploy` applies the same files wherever the
// native engine is available.
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const schemaPath = path.join(root, 'prisma/schema.prisma');
export const migrationsDir = path.join(root, 'prisma/migrations');
const noFilter = { externalTables: [], externalEnums: [] };

async function loadWasm() {
  const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const pkgDir = path.dirname(bgPath);
  const bindings = await import(bgPath);
  const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings });
  bindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return bindings;
}

let wasmPromise;
/** Opens a schema engine bound to `connectionString`. Call `.free()` when done. */
export async function openEngine(connectionString) {
  wasmPromise ??= loadWasm();
  const { SchemaEngine } = await wasmPromise;
  const schema = await readFile(schemaPath, 'utf8');
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  const quiet = () => {};
  return SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, quiet, adapter);
}

/** The migrations folder in the shape the engine expects. */
export async function readMigrations() {
  const entries = (await readdir(migrationsDir, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    entries.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  );
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockPath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Applies pending migrations exactly as `prisma migrate deploy` does; returns their names. */
export async function applyMigrations(connectionString) {
  const engine = await openEngine(connectionString);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: await readMigrations(),
      filters: noFilter,
    });
    return appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/** SQL that takes a database from `from` to `to` (engine diff targets). */
export async function diffSql(connectionString, from, to) {
  const engine = await openEngine(connectionString);
  try {
    const { stdout } = await engine.diff({ from, to, script: true, exitCode: null, filters: noFilter });
    return stdout ?? '';
  } finally {
    engine.free();
  }
}

export async function schemaTarget() {
  return datamodelTarget(await readFile(schemaPath, 'utf8'));
}

/** A diff target for a schema given as text (e.g. schema.prisma at an earlier commit). */
export function datamodelTarget(content, file = schemaPath) {
  return { tag: 'schemaDatamodel', files: [{ path: file, content }] };
}
