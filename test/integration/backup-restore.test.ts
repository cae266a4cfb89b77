// docs/operations.md "Backups and restore", step by step: pg_dump (custom format) of a
// database with an audit trail, pg_restore into a fresh database, `npm run db:migrate` for
// the roles' grants, then `npm run audit:verify` proves the restored trail intact, and names
// a row edited after the restore. pg_dump must be at least the server's version: the test
// uses the newest client on this machine and says so when none is new enough.
// Then the embedded database (npm start's PostgreSQL 18): that trail restored into an
// embedded cluster, which is stopped and copied (its backup: the folder, as `cp -a` copies
// it), and the copy started on its own verifies intact, and names an edit.
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTeam } from '@/lib/data/teams';
import { migrateAndGrant, withRole } from '../../scripts/lib/db-roles.mjs';
import { embeddedPostgresChild } from '../../scripts/lib/embedded-db.mjs';
import { cloneTemplate, dropDatabase, TEST_PURGE_ROLE, TEST_RUNTIME_ROLE } from '../support/databases.mjs';
import { appProcessEnv } from '../support/app-process';
import { freePort } from '../support/free-port';
import { callerAs } from '../support/seed';
import { ownerDatabaseUrl, useTestDatabase } from '../support/test-database';

useTestDatabase();

const root = path.resolve(__dirname, '../..');
const folder = mkdtempSync(path.join(tmpdir(), 'si-backup-'));
let restored: Awaited<ReturnType<typeof cloneTemplate>> | undefined;
let dump: string | undefined;
const servers: ChildProcess[] = [];

afterAll(async () => {
  for (const server of servers) await stopServer(server);
  if (restored) await dropDatabase(process.env.TEST_PG_SERVER!, restored.name);
  rmSync(folder, { recursive: true, force: true });
});

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The newest `tool` (pg_dump, pg_restore) of this machine whose major version is at least `major`, or null. */
function postgresClient(tool: string, major: number): string | null {
  const versioned = ['/usr/lib/postgresql'].filter(existsSync).flatMap((dir) => readdirSync(dir).map((v) => path.join(dir, v, 'bin', tool)));
  const found = [tool, ...versioned]
    .map((binary) => ({ binary, out: spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout ?? '' }))
    .map(({ binary, out }) => ({ binary, major: Number(/\(PostgreSQL\) (\d+)/.exec(out)?.[1] ?? 0) }))
    .filter((c) => c.major >= major)
    .sort((a, b) => b.major - a.major);
  return found[0]?.binary ?? null;
}

let serverMajor = 0;
beforeAll(async () => {
  const [{ server_version_num }] = await query<{ server_version_num: string }>(ownerDatabaseUrl(), 'SHOW server_version_num');
  serverMajor = Math.floor(Number(server_version_num) / 10000);
});

function verify(databaseUrl: string) {
  const out = spawnSync('npm', ['run', '--silent', 'audit:verify'], {
    cwd: root,
    env: appProcessEnv({ DATABASE_URL: databaseUrl }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: out.status, output: `${out.stdout}${out.stderr}` };
}

it('restores a pg_dump into a fresh database whose audit trail verifies intact, and catches an edit made after', async (context) => {
  const pgDump = postgresClient('pg_dump', serverMajor);
  const pgRestore = postgresClient('pg_restore', serverMajor);
  if (!pgDump || !pgRestore) return context.skip(`no pg_dump/pg_restore ${serverMajor} or newer on this machine (the server is PostgreSQL ${serverMajor})`);

  // Data with an audit trail, written by the app as it always is.
  const admin = await callerAs('admin');
  for (let i = 0; i < 3; i++) await createTeam(admin, { name: `Backup ${randomUUID()}`, description: 'restored' });
  const source = ownerDatabaseUrl();
  const [{ events }] = await query<{ events: string }>(source, 'SELECT count(*)::text AS events FROM audit_events');
  expect(Number(events)).toBeGreaterThanOrEqual(3);

  // 1. The dump, as the owner role.
  dump = path.join(folder, 'secret-inventory.dump');
  execFileSync(pgDump, ['--format=custom', `--file=${dump}`, source]);

  // 2. A fresh, empty database (created from template0, as `createdb` would), restored
  //    without the old owner and grants: the owner of the new database owns everything.
  const server = process.env.TEST_PG_SERVER!;
  restored = await cloneTemplate(server, 'template0', 'si_test_restored');
  execFileSync(pgRestore, ['--exit-on-error', '--no-owner', '--no-acl', `--dbname=${restored.url}`, dump]);

  // 3. Roles and grants, by the same command that migrates (nothing is left to migrate).
  const runtimeUrl = withRole(restored.url, TEST_RUNTIME_ROLE.name, TEST_RUNTIME_ROLE.password);
  const migrate = execFileSync(process.execPath, ['scripts/migrate.mjs'], {
    cwd: root,
    env: appProcessEnv({
      MIGRATION_DATABASE_URL: restored.url,
      DATABASE_URL: runtimeUrl,
      PURGE_DATABASE_URL: withRole(restored.url, TEST_PURGE_ROLE.name, TEST_PURGE_ROLE.password),
    }),
    encoding: 'utf8',
  });
  expect(migrate).toMatch(/database is up to date/);
  expect(migrate).toMatch(new RegExp(`runtime ${TEST_RUNTIME_ROLE.name}, purge ${TEST_PURGE_ROLE.name}`));

  // 4. The trail, checked as the runtime role: every event, intact.
  const intact = verify(runtimeUrl);
  expect(intact.output).toMatch(new RegExp(`audit:verify OK chain intact: ${events} events verified`));
  expect(intact.code).toBe(0);
  await expect(query(runtimeUrl, 'DELETE FROM audit_events')).rejects.toThrow(/permission denied/);

  // An edit behind the app's back (a superuser bypassing the append-only trigger) is named.
  const [{ seq }] = await query<{ seq: string }>(restored.url, 'SELECT max(seq)::text AS seq FROM audit_events');
  await query(restored.url, `SET session_replication_role = replica; UPDATE audit_events SET target_id = 'forged' WHERE seq = ${Number(seq)}`);
  const broken = verify(runtimeUrl);
  expect(broken.output).toMatch(/audit:verify FAILED/);
  expect(broken.output).toMatch(new RegExp(`seq: ${seq}\\b`));
  expect(broken.code).toBe(1);
});

async function stopServer(server: ChildProcess) {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGINT');
  await exited;
}

/** npm start's embedded cluster in `databaseDir` (created when new), started; its superuser URL of `app`. */
async function startEmbedded(databaseDir: string) {
  const embedded = await embeddedPostgresChild({ databaseDir, database: 'app', port: await freePort() });
  const server = embedded.child.spawn();
  servers.push(server);
  await embedded.child.ready(server);
  await embedded.ensureDatabase();
  return { url: embedded.url, server };
}

it('backs up the embedded database by copying its stopped cluster; the copy verifies intact and catches an edit', async (context) => {
  const pgRestore = postgresClient('pg_restore', 0);
  if (!dump || !pgRestore) return context.skip('the pg_dump test above made no dump to load into the embedded database');
  // As root the server runs as the postgres user, who must reach the clusters' folder.
  chmodSync(folder, 0o755);
  const original = await startEmbedded(path.join(folder, 'cluster'));
  execFileSync(pgRestore, ['--exit-on-error', '--no-owner', '--no-acl', `--dbname=${original.url}`, dump]);
  const runtimeUrl = withRole(original.url, 'si_runtime', 'backup-test-password');
  await migrateAndGrant({ ownerUrl: original.url, runtimeUrl });
  const [{ events }] = await query<{ events: string }>(original.url, 'SELECT count(*)::text AS events FROM audit_events');

  // The backup: the cluster's folder, copied while its server is stopped (owners and modes kept).
  await stopServer(original.server);
  execFileSync('cp', ['-a', path.join(folder, 'cluster'), path.join(folder, 'backup')]);

  const copy = await startEmbedded(path.join(folder, 'backup'));
  const copyRuntimeUrl = withRole(copy.url, 'si_runtime', 'backup-test-password');
  const intact = verify(copyRuntimeUrl);
  expect(intact.output).toMatch(new RegExp(`audit:verify OK chain intact: ${events} events verified`));
  expect(intact.code).toBe(0);

  const [{ seq }] = await query<{ seq: string }>(copy.url, 'SELECT min(seq)::text AS seq FROM audit_events');
  await query(copy.url, `SET session_replication_role = replica; UPDATE audit_events SET action = 'forged' WHERE seq = ${Number(seq)}`);
  const broken = verify(copyRuntimeUrl);
  expect(broken.output).toMatch(/audit:verify FAILED/);
  expect(broken.output).toMatch(new RegExp(`seq: ${seq}\\b`));
  expect(broken.code).toBe(1);
});
