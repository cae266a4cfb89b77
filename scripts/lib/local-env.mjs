// The environment a checkout runs with, built one way for `npm start` and for the commands
// (npm run audit:verify, audit:purge, worker): settings from .env files, the keys npm start
// generates into ./.data on first use, and, with no DATABASE_URL, the embedded PostgreSQL
// under ./.data/postgres with its runtime and purge roles (scripts/lib/db-roles.mjs).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nextEnv from '@next/env';
import { withRole } from './db-roles.mjs';
import { refuseWithoutReplicaKeys } from './replica-keys.mjs';
import { embeddedPostgresChild, embeddedUrl, runningEmbeddedPostgres, startEmbeddedPostgres } from './embedded-db.mjs';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dataDir = path.join(root, '.data');
const DATABASE = 'secret_inventory';

/** .env, .env.local, .env.production (or .development) into process.env, as Next reads them. */
export function loadDotEnv(dev = false) {
  nextEnv.loadEnvConfig(root, dev);
}

/** A random value kept in .data/<file> (mode 0600), created on first use. */
function persistentSecret(file) {
  const full = path.join(dataDir, file);
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(full)) writeFileSync(full, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(full, 'utf8').trim();
}

/** The evidence-bundle signing key (Ed25519, PKCS#8 PEM) kept in .data/<file>, created on first use. */
function persistentSigningKey(file) {
  const full = path.join(dataDir, file);
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(full)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(full, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  return readFileSync(full, 'utf8').trim();
}

/**
 * The keys an operator did not set, from .data (generated there on first use). With an
 * external database the replica keys must already be set (callers refuse first:
 * scripts/lib/replica-keys.mjs); only the local provider's key is still filled in.
 */
export function applyGeneratedKeys(env = process.env) {
  env.NEXTAUTH_SECRET ??= persistentSecret('nextauth-secret');
  env.VALUE_FINGERPRINT_PEPPER ??= persistentSecret('fingerprint-pepper');
  // ||= (not ??=): docker-compose passes an empty value when .env does not set one.
  env.LOCAL_PROVIDER_KEY ||= persistentSecret('local-provider-key');
  env.AUDIT_SIGNING_KEY ||= persistentSigningKey('audit-signing-key.pem');
}

/**
 * The embedded cluster's URLs: its superuser owns the database and migrates it; the server
 * and worker log in as the runtime role, npm run audit:purge as the purge role, with
 * passwords kept in .data.
 */
export function embeddedRoleUrls(ownerUrl) {
  return {
    MIGRATION_DATABASE_URL: ownerUrl,
    DATABASE_URL: withRole(ownerUrl, 'si_runtime', persistentSecret('db-runtime-password')),
    PURGE_DATABASE_URL: withRole(ownerUrl, 'si_purge', persistentSecret('db-purge-password')),
  };
}

/**
 * `npm start` with no DATABASE_URL: starts the embedded cluster as a child of `supervisor`
 * (scripts/lib/supervisor.mjs), which restarts it if it dies; refused if one runs already.
 */
export async function startEmbeddedDatabase(supervisor, env = process.env) {
  const embedded = await embeddedPostgresChild({ database: DATABASE });
  await supervisor.start(embedded.child);
  await embedded.ensureDatabase();
  Object.assign(env, embeddedRoleUrls(embedded.url));
  return embedded;
}

/**
 * The environment of the build, the server and the worker: the runtime role's credentials
 * only, and no Next.js telemetry (nor its notice on the first build) unless the operator
 * set NEXT_TELEMETRY_DISABLED themselves.
 */
export function serverEnvironment(env = process.env) {
  const childEnv = { ...env };
  delete childEnv.MIGRATION_DATABASE_URL;
  delete childEnv.PURGE_DATABASE_URL;
  childEnv.NEXT_TELEMETRY_DISABLED ??= '1';
  return childEnv;
}

/**
 * A command's environment: .env files, the generated keys and, with no DATABASE_URL, the
 * embedded database logged in as `role` ('runtime' for audit:verify and the worker, 'purge'
 * for audit:purge), never as its superuser. When npm start's cluster is not running, a
 * short command (`startIfStopped`) starts it for its own duration; others are told how to
 * proceed. Returns `release`, to call before the process exits: it stops a cluster the
 * command started. With DATABASE_URL set, the keys every replica shares must be set too
 * (else it throws, naming `who` and the missing keys).
 */
export async function prepareCommandEnv({ role, startIfStopped, who = 'This command', env = process.env }) {
  // .env files fill process.env (a test passes an object of its own instead).
  if (env === process.env) loadDotEnv();
  if (!env.DATABASE_URL && !existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))) {
    throw new Error(
      'DATABASE_URL is not set and there is no embedded database in ./.data/postgres yet: ' +
        'run `npm start` once (it creates and migrates it), or set DATABASE_URL',
    );
  }
  if (env.DATABASE_URL) {
    // An external database: keys come from configuration, never generated per process.
    refuseWithoutReplicaKeys(who, env);
    applyGeneratedKeys(env);
    return { release: async () => {} };
  }
  applyGeneratedKeys(env);
  let embedded = null;
  let port = runningEmbeddedPostgres()?.port;
  if (!port) {
    if (!startIfStopped) {
      throw new Error(
        'DATABASE_URL is not set and the embedded PostgreSQL (./.data/postgres) is not running: ' +
          'start it with `npm start` (which runs a worker too), or set DATABASE_URL',
      );
    }
    // stderr: the command's own output stays what scripts parse.
    console.error('The embedded PostgreSQL is not running (npm start is not): starting it for this command.');
    embedded = await startEmbeddedPostgres({ database: DATABASE });
    port = Number(new URL(embedded.url).port);
  }
  const urls = embeddedRoleUrls(embeddedUrl(port, DATABASE));
  // The command holds only its own role's credentials (lib/db.ts reads DATABASE_URL, and
  // PURGE_DATABASE_URL for the purge).
  env.DATABASE_URL = role === 'purge' ? urls.PURGE_DATABASE_URL : urls.DATABASE_URL;
  if (role === 'purge') env.PURGE_DATABASE_URL = urls.PURGE_DATABASE_URL;
  return { release: async () => embedded?.stop() };
}
