// Test databases. Every test run works in databases of its own, created from a
// migrated template, on a PostgreSQL that must be local: tests never touch a remote
// server, however DATABASE_URL is set.
import { migrateAndGrant, withRole } from '../../scripts/lib/db-roles.mjs';
import { adminQuery, withDatabase } from '../../scripts/lib/pg-admin.mjs';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '']);

export function assertLocalDatabase(url) {
  const host = new URL(url).hostname;
  const socket = new URL(url).searchParams.get('host');
  if (!LOCAL_HOSTS.has(host) && !(socket && socket.startsWith('/'))) {
    throw new Error(`Refusing to run tests against a non-local database host "${host}". Point DATABASE_URL at a local PostgreSQL.`);
  }
}

const uniqueName = (prefix) => `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

// The roles the app code runs as in tests, as in production: the server URL's role owns
// the databases and migrates them. Roles are global to the cluster and shared by every
// test run on it; the passwords matter only on a cluster that asks for them (embedded).
export const TEST_RUNTIME_ROLE = { name: 'si_test_runtime', password: 'si-test-runtime-only' };
export const TEST_PURGE_ROLE = { name: 'si_test_purge', password: 'si-test-purge-only' };

/** A database's URLs: as the owner (migrations, fixtures, tampering), the app's runtime role and the purge role. */
export function roleUrls(ownerUrl) {
  return {
    url: ownerUrl,
    runtimeUrl: withRole(ownerUrl, TEST_RUNTIME_ROLE.name, TEST_RUNTIME_ROLE.password),
    purgeUrl: withRole(ownerUrl, TEST_PURGE_ROLE.name, TEST_PURGE_ROLE.password),
  };
}

/** Creates and migrates a template database, the test roles granted in it; returns its name. */
export async function createTemplate(serverUrl) {
  assertLocalDatabase(serverUrl);
  const name = uniqueName('si_template');
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const urls = roleUrls(withDatabase(serverUrl, name));
  await migrateAndGrant({ ownerUrl: urls.url, runtimeUrl: urls.runtimeUrl, purgeUrl: urls.purgeUrl });
  // The engine's pool may still hold a connection; a template must have none.
  await adminQuery(serverUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
  return name;
}

/** A fresh database cloned from the template (grants included); returns its URLs and a drop function. */
export async function cloneTemplate(serverUrl, template, prefix = 'si_test') {
  assertLocalDatabase(serverUrl);
  const name = uniqueName(prefix);
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  return {
    name,
    ...roleUrls(withDatabase(serverUrl, name)),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export async function dropDatabase(serverUrl, name) {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
