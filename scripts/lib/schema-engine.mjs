// Prisma's schema engine, loaded from its WebAssembly build. The CLI's native engine
// is downloaded from Prisma's servers at run time, which fails offline and in locked-down
// deployments; the wasm build ships inside the npm package. Migrations stay in Prisma's
// own folder format, so `prisma migrate deploy` applies the same files wherever the
// native engine is available.
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
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

// The engine introspects databases with catalog queries whose columns include
// PostgreSQL's one-byte type "char" (OID 18, e.g. pg_class.relkind). @prisma/adapter-pg
// has no column type for it and fails the whole introspection, so this client reports
// such columns as text (OID 25), which is exact for a one-byte string. pg-pool calls
// query() with a callback, so both calling styles are covered.
const PG_CHAR = 18;
const PG_TEXT = 25;
function reportCharAsText(result) {
  for (const field of result?.fields ?? []) if (field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
  return result;
}
class IntrospectionClient extends pg.Client {
  query(...args) {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (error, result) => callback(error, error ? result : reportCharAsText(result));
      return super.query(...args);
    }
    const out = super.query(...args);
    return typeof out?.then === 'function' ? out.then(reportCharAsText) : out;
  }
}

let wasmPromise;
/** Opens a schema engine bound to `connectionString`. Call `.free()` when done. */
export async function openEngine(connectionString) {
  wasmPromise ??= loadWasm();
  const { SchemaEngine } = await wasmPromise;
  const schema = await readFile(schemaPath, 'utf8');
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString, Client: IntrospectionClient }));
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

/**
 * SQL still needed after the migrations to reach schema.prisma ('' when they match),
 * as `prisma migrate diff --from-migrations --to-schema` computes it: the engine
 * replays the migrations into the database at `emptyDatabaseUrl` (its shadow
 * database, which must be empty) and diffs the result against the schema.
 */
export async function pendingSchemaChanges(emptyDatabaseUrl) {
  const sql = await diffSql(emptyDatabaseUrl, { tag: 'migrations', ...(await readMigrations()) }, await schemaTarget());
  return sql.replace(/^-- This is an empty migration\.\s*$/m, '').trim();
}

/** A diff target for a schema given as text (e.g. schema.prisma at an earlier commit). */
export function datamodelTarget(content, file = schemaPath) {
  return { tag: 'schemaDatamodel', files: [{ path: file, content }] };
}
