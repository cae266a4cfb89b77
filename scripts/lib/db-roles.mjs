// The database's roles and what each may do (docs/operations.md "Database roles"), applied after the
// migrations by whoever runs them (npm run db:migrate, npm start, the test harness):
//   - the owner (MIGRATION_DATABASE_URL) owns the tables and runs migrations;
//   - the runtime role (DATABASE_URL: the server and the worker) reads and writes the app's
//     tables, but of the audit trail may only SELECT and INSERT events, SELECT checkpoints,
//     and move the chain head, which triggers hold to the events just appended
//     (prisma/migrations/*_audit_runtime_role_guards), and add verification results
//     without changing earlier ones;
//   - the purge role (PURGE_DATABASE_URL) reads the trail, appends its own event and may
//     call audit_purge(), the one way events are deleted.
// Each run grants from scratch (all tables, then the audit tables taken back), so tables
// a later migration adds get the runtime role's privileges without a change here.
//
// Roles are global to a PostgreSQL cluster, and several databases of one cluster may be
// set up at the same moment (parallel test runs): a role is created only when missing,
// and losing the race to another creator counts as success. Grants are per database.
import pg from 'pg';
import PgBoss from 'pg-boss';
import { applyMigrations } from './schema-engine.mjs';

const AUDIT_HEAD_COLUMNS = 'seq, hash, last_occurred_at';
const PURGE_FUNCTION = 'audit_purge(timestamptz, integer, bigint, bytea, bigint, bigint, bigint, text, text)';
// pg-boss (lib/jobs/boss.ts) adds a table per queue at run time, so the runtime role owns its schema.
const JOBS_SCHEMA = 'pgboss';

const ident = (name) => pg.escapeIdentifier(name);

/** The role a connection URL logs in as, and its password ('' when it has none). */
export function urlRole(url) {
  const u = new URL(url);
  return { name: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/** The same server and database, logged in as another role. */
export function withRole(url, name, password = '') {
  const u = new URL(url);
  u.username = encodeURIComponent(name);
  u.password = password ? encodeURIComponent(password) : '';
  return u.toString();
}

/**
 * Migrations as the owner, then the roles' grants: the sequence every entry point runs
 * (npm run db:migrate, npm start, the test harness), so no database is migrated without them.
 */
export async function migrateAndGrant({ ownerUrl, runtimeUrl, purgeUrl }) {
  const applied = await applyMigrations(ownerUrl);
  const roles = await applyRoleGrants(ownerUrl, { runtimeUrl, purgeUrl });
  return { applied, roles };
}

/** One line for the log: which roles the app runs as. */
export function describeRoles(roles) {
  if (!roles.separated) {
    return (
      `Database roles: DATABASE_URL logs in as the owner (${roles.owner}), which can rewrite the audit trail. ` +
      'Set MIGRATION_DATABASE_URL to an owner role and DATABASE_URL to a runtime role (docs/operations.md "Database roles").'
    );
  }
  return `Database roles: owner ${roles.owner}, runtime ${roles.runtime}, purge ${roles.purge ?? `${roles.owner} (no PURGE_DATABASE_URL)`}`;
}

/** Creates a login role unless it exists; never changes an existing one. */
async function ensureRole(client, { name, password }) {
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  if (rowCount) return;
  const withPassword = password ? ` PASSWORD ${pg.escapeLiteral(password)}` : '';
  try {
    await client.query(`CREATE ROLE ${ident(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT${withPassword}`);
  } catch (error) {
    // 42710 duplicate_object, 23505 unique_violation: a concurrent setup created it first.
    if (!['42710', '23505'].includes(error.code)) throw error;
  }
}

/**
 * Creates the runtime and purge roles named by their URLs (when missing) and grants them
 * their privileges in the database of `ownerUrl`. Returns what it did, for the log. Does
 * nothing when DATABASE_URL logs in as the owner itself (no MIGRATION_DATABASE_URL): that
 * deployment keeps one role, and with it an owner's power over the audit trail.
 */
export async function applyRoleGrants(ownerUrl, { runtimeUrl, purgeUrl }) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT current_user AS owner');
    const owner = rows[0].owner;
    const runtime = urlRole(runtimeUrl);
    if (runtime.name === owner) return { separated: false, owner };
    const purge = purgeUrl ? urlRole(purgeUrl) : null;
    if (purge && (purge.name === owner || purge.name === runtime.name)) {
      throw new Error(`PURGE_DATABASE_URL must log in as a role of its own, not ${purge.name}`);
    }
    await ensureRole(client, runtime);
    if (purge) await ensureRole(client, purge);
    await installJobsSchema(client, runtime.name);
    await client.query('BEGIN');
    for (const sql of grantStatements(runtime.name, purge?.name ?? null)) await client.query(sql);
    await client.query('COMMIT');
    return { separated: true, owner, runtime: runtime.name, purge: purge?.name ?? null };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

function grantStatements(runtimeRole, purgeRole) {
  const rt = ident(runtimeRole);
  const statements = [
    `GRANT USAGE ON SCHEMA public TO ${rt}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${rt}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${rt}`,
    // Tables the owner creates later (a migration run without this step) start the same way.
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${rt}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${rt}`,
    // Migration history is the owner's to write. Readiness (/api/health/ready) reads which
    // migrations finished; nothing in it is private (the migrations folder is in the repository).
    `REVOKE ALL ON _prisma_migrations FROM ${rt}`,
    `GRANT SELECT ON _prisma_migrations TO ${rt}`,
    // The audit trail: append and read. (Revoking a table privilege revokes it on every column too.)
    `REVOKE ALL ON audit_events, audit_checkpoints, audit_chain_head FROM ${rt}`,
    `GRANT SELECT, INSERT ON audit_events TO ${rt}`,
    `GRANT SELECT ON audit_checkpoints TO ${rt}`,
    // UPDATE of these columns also lets an append lock the row (SELECT ... FOR UPDATE).
    `GRANT SELECT, UPDATE (${AUDIT_HEAD_COLUMNS}) ON audit_chain_head TO ${rt}`,
    `REVOKE ALL ON FUNCTION ${PURGE_FUNCTION} FROM ${rt}`,
    // Verification results are recorded, never rewritten: a failed check stays on record.
    `REVOKE UPDATE, DELETE, TRUNCATE ON audit_chain_verifications FROM ${rt}`,
  ];
  if (purgeRole) {
    const pr = ident(purgeRole);
    statements.push(
      `GRANT USAGE ON SCHEMA public TO ${pr}`,
      `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${pr}`,
      `GRANT SELECT ON audit_events, audit_checkpoints, audit_chain_head, audit_settings TO ${pr}`,
      // What the SIEM sinks acknowledged: the purge refuses to remove events they have not (lib/audit/purge.ts).
      `GRANT SELECT ON audit_sinks TO ${pr}`,
      // Its own audit.purge event, appended like any other.
      `GRANT INSERT ON audit_events TO ${pr}`,
      `GRANT UPDATE (${AUDIT_HEAD_COLUMNS}) ON audit_chain_head TO ${pr}`,
      `GRANT USAGE ON SEQUENCE audit_events_id_seq TO ${pr}`,
      `GRANT EXECUTE ON FUNCTION ${PURGE_FUNCTION} TO ${pr}`,
    );
  }
  return statements;
}

/**
 * pg-boss installs its schema on first start and creates a table per queue, which needs
 * CREATE on the database (a role that has it could also create a schema named after the
 * owner, first on the owner's search_path). So the schema is installed here, as the
 * owner, with pg-boss's own construction plans, and everything in it handed to the
 * runtime role; pg-boss's later upgrades then run as its owner. This needs the owner to
 * be a superuser or a member of the runtime role.
 */
async function installJobsSchema(client, runtimeRole) {
  const { rows } = await client.query(`SELECT to_regclass($1) AS installed`, [`${JOBS_SCHEMA}.version`]);
  if (!rows[0].installed) await client.query(PgBoss.getConstructionPlans(JOBS_SCHEMA));
  const rt = ident(runtimeRole);
  const schema = pg.escapeLiteral(JOBS_SCHEMA);
  try {
    await client.query(`DO $do$
DECLARE
  target oid := (SELECT oid FROM pg_roles WHERE rolname = ${pg.escapeLiteral(runtimeRole)});
  ns oid := (SELECT oid FROM pg_namespace WHERE nspname = ${schema});
  r record;
BEGIN
  IF (SELECT nspowner FROM pg_namespace WHERE oid = ns) <> target THEN
    EXECUTE format('ALTER SCHEMA %I OWNER TO ${rt}', ${schema});
  END IF;
  -- Tables take their indexes and owned sequences with them, but not their partitions.
  FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c
           WHERE c.relnamespace = ns AND c.relowner <> target AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO ${rt}', r.rel);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c
           WHERE c.relnamespace = ns AND c.relowner <> target AND c.relkind = 'S'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
  LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO ${rt}', r.rel);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p WHERE p.pronamespace = ns AND p.proowner <> target
  LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO ${rt}', r.fn);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS ty FROM pg_type t
           WHERE t.typnamespace = ns AND t.typowner <> target AND t.typrelid = 0 AND t.typelem = 0
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO ${rt}', r.ty);
  END LOOP;
END
$do$`);
  } catch (error) {
    if (error.code !== '42501') throw error;
    throw new Error(
      `the owner role cannot hand pg-boss's schema "${JOBS_SCHEMA}" to ${runtimeRole} (${error.message}): ` +
        `run GRANT ${ident(runtimeRole)} TO <the owner role> once, then migrate again`,
    );
  }
}
