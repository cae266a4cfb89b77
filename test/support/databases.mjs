// Test databases. Every test run works in databases of its own, created from a
// migrated template, on a PostgreSQL that must be local: tests never touch a remote
// server, however DATABASE_URL is set.
import { adminQuery, withDatabase } from '../../scripts/lib/pg-admin.mjs';
import { applyMigrations } from '../../scripts/lib/schema-engine.mjs';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '']);

export function assertLocalDatabase(url) {
  const host = new URL(url).hostname;
  const socket = new URL(url).searchParams.get('host');
  if (!LOCAL_HOSTS.has(host) && !(socket && socket.startsWith('/'))) {
    throw new Error(`Refusing to run tests against a non-local database host "${host}". Point DATABASE_URL at a local PostgreSQL.`);
  }
}

const uniqueName = (prefix) => `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

/** Creates and migrates a template database; returns its name. */
export async function createTemplate(serverUrl) {
  assertLocalDatabase(serverUrl);
  const name = uniqueName('si_template');
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  await applyMigrations(withDatabase(serverUrl, name));
  // The engine's pool may still hold a connection; a template must have none.
  await adminQuery(
    serverUrl,
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
  );
  return name;
}

/** A fresh database cloned from the template; returns its URL and a drop function. */
export async function cloneTemplate(serverUrl, template, prefix = 'si_test') {
  assertLocalDatabase(serverUrl);
  const name = uniqueName(prefix);
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  return {
    name,
    url: withDatabase(serverUrl, name),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export async function dropDatabase(serverUrl, name) {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
