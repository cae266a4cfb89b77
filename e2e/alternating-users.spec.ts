// Alternating database users through the real UI (issue 18): an engineer sets a secret to
// alternating users (a bad input first: the field error), rotates it, and watches a real
// consumer process (test/support/db-consumer.ts, holding a connection pool) move from the
// old user to the new one on the Rotation tab; the old user is retired only after that,
// and the run's timeline says so. Once on MariaDB (127.0.0.1:3306), once on PostgreSQL
// (a password-checking server: test/support/password-postgres.ts). A retirement held for
// stragglers shows its banner and the Overview panel; a viewer sees the consumers but no
// retire button. Screenshots for people to look at go to test-results/screenshots/.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Page } from '@playwright/test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { LocalStore } from '../lib/providers/local-store';
import { dbConsumer, type DbConsumer } from '../test/support/db-consumer';
import { canLogIn, startPasswordPostgres, type PasswordPostgres } from '../test/support/password-postgres';
import {
  connectSecret,
  environmentId,
  insertAdoption,
  insertConnection,
  insertRotationRun,
  insertSecret,
  insertSystem,
  insertTeam,
  unique,
  type Db,
} from './support/db';
import { expect, test } from './support/fixtures';
import { LOCAL_PROVIDER_DIR, RESULTS_DIR, ROOT, type E2EState } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');
test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

const password = () => randomBytes(18).toString('base64url');
const storeOf = (e2e: E2EState) => new LocalStore(LOCAL_PROVIDER_DIR, Buffer.from(e2e.localProviderKey, 'base64url'));

/** One pass of the real worker (scripts/worker.ts --once) with the app's environment; adoption is checked every second. */
function workerPass(e2e: E2EState) {
  const run = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts', '--once'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...e2e.serverEnv,
      ROTATION_ADOPTION_POLL_SECONDS: '1',
      WORKER_ID: `e2e-once-${randomUUID().slice(0, 8)}`,
    } as unknown as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr + run.stdout).toBe(0);
}

const runOf = async (db: Db, secretId: string) =>
  (
    await db.query<{ id: string; state: string; new_user: string | null; retiring_user: string | null }>(
      'SELECT id, state, new_user, retiring_user FROM rotation_runs WHERE secret_id = $1 ORDER BY created_at DESC LIMIT 1',
      [secretId],
    )
  ).rows[0];

/** The database a scenario rotates on: two users with the same grants, and a login check. */
type Database = {
  engine: 'mysql' | 'postgres';
  label: string;
  host: string;
  port: number;
  database: string;
  admin: Record<string, string | number>;
  /** Creates both users (the first with `first`), the same grants. */
  createUsers: (a: string, b: string, first: string) => Promise<void>;
  canLogIn: (user: string, password: string) => Promise<boolean>;
  dropUsers: (a: string, b: string) => Promise<void>;
  close: () => Promise<void>;
};

async function mariadb(): Promise<Database> {
  const root = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
  const database = 'e2e_orders';
  await root.query(`CREATE DATABASE IF NOT EXISTS ${database}`);
  await root.query(`CREATE TABLE IF NOT EXISTS ${database}.orders (id INT PRIMARY KEY)`);
  return {
    engine: 'mysql',
    label: 'MySQL / MariaDB',
    host: '127.0.0.1',
    port: 3306,
    database,
    admin: { engine: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', password: '', database },
    createUsers: async (a, b, first) => {
      for (const user of [a, b]) {
        await root.query('DROP USER IF EXISTS ?@?', [user, '%']);
        await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', user === a ? first : password()]);
        await root.query(`GRANT SELECT ON ${database}.* TO ?@?`, [user, '%']);
      }
    },
    canLogIn: async (user, secret) => {
      const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user, password: secret, database }).catch(() => null);
      await c?.end();
      return c !== null;
    },
    dropUsers: async (a, b) => {
      for (const user of [a, b]) await root.query('DROP USER IF EXISTS ?@?', [user, '%']);
    },
    close: () => root.end(),
  };
}

async function postgres(server: PasswordPostgres): Promise<Database> {
  const admin = new pg.Client({ host: server.host, port: server.port, database: server.database, user: server.user, password: server.password });
  await admin.connect();
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  return {
    engine: 'postgres',
    label: 'PostgreSQL',
    host: server.host,
    port: server.port,
    database: server.database,
    admin: { host: server.host, port: server.port, user: server.user, password: server.password, database: server.database },
    createUsers: async (a, b, first) => {
      for (const user of [a, b]) {
        await admin.query(`DROP ROLE IF EXISTS ${quote(user)}`);
        await admin.query(`CREATE ROLE ${quote(user)} LOGIN PASSWORD ${literal(user === a ? first : password())}`);
        await admin.query(`GRANT CONNECT ON DATABASE ${quote(server.database)} TO ${quote(user)}`);
      }
    },
    canLogIn: (user, secret) => canLogIn(server, user, secret),
    dropUsers: async (a, b) => {
      // The consumer's sessions are gone by now; a left-over one would block the drop.
      for (const user of [a, b]) {
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [user]);
        await admin.query(`DROP ROLE IF EXISTS ${quote(user)}`);
      }
    },
    close: () => admin.end(),
  };
}

/** The consumer process: a pool with the credential the local provider holds now. Sticky
 *  until told to follow, so the page first shows it on the old user. */
async function startConsumer(e2e: E2EState, engine: 'mysql' | 'postgres', providerRef: string, applicationName: string): Promise<DbConsumer> {
  const consumer = dbConsumer({
    source: { kind: 'local', dir: LOCAL_PROVIDER_DIR, key: e2e.localProviderKey, providerRef },
    engine,
    applicationName,
    sticky: true,
  });
  await consumer.start();
  return consumer;
}

/** Everything a scenario needs but the secret's settings, which the engineer enters. */
async function seedScene(db: Db, e2e: E2EState, target: Database) {
  const team = await insertTeam(db);
  const connection = await insertConnection(db);
  const env = await environmentId(db);
  // An administrator's part: the host allowlist (no TLS on this loopback server) and the
  // admin credential, a secret of the same connection marked as one.
  await db.query(
    `INSERT INTO database_hosts (id, host, allow_insecure_tls, note) VALUES (gen_random_uuid(), $1, true, 'e2e loopback')
     ON CONFLICT (host) DO UPDATE SET allow_insecure_tls = true`,
    [target.host],
  );
  const adminSecret = await insertSecret(db, { ownerTeamId: team.id, environmentId: env, name: unique('e2e-db-admin') });
  await connectSecret(db, adminSecret.id, connection.id, `production/${adminSecret.name}`);
  await db.query('UPDATE secrets SET db_admin_credential = true WHERE id = $1', [adminSecret.id]);
  await storeOf(e2e).write(`production/${adminSecret.name}`, JSON.stringify(target.admin), randomUUID(), {});

  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: env, name: unique('e2e-orders-db') });
  await connectSecret(db, secret.id, connection.id, `production/${secret.name}`);
  const suffix = randomUUID().slice(0, 6);
  const users = { a: `orders_app_a_${suffix}`, b: `orders_app_b_${suffix}` };
  const first = password();
  await target.createUsers(users.a, users.b, first);
  // The value in use today: a JSON credential naming the first user.
  const current = { engine: target.engine, host: target.host, port: target.port, database: target.database, username: users.a, password: first };
  await storeOf(e2e).write(`production/${secret.name}`, JSON.stringify(current), randomUUID(), {});
  // The declared consumer, named by what the database shows of its sessions: its
  // application name (PostgreSQL) or its client address (MySQL/MariaDB).
  const application = unique('orders-api');
  const system = await insertSystem(db, team.id, unique('orders-api'));
  await db.query('UPDATE systems SET principals = $2 WHERE id = $1', [system.id, target.engine === 'postgres' ? [`app:${application}`] : ['127.0.0.1']]);
  await db.query('INSERT INTO secret_consumers (secret_id, system_id) VALUES ($1, $2)', [secret.id, system.id]);
  await db.query('UPDATE secrets SET grace_hours = 24 WHERE id = $1', [secret.id]);
  return { secret, adminSecret, users, first, system, application };
}

/** The engineer's edit: alternating users on `target`, the two users the same first (refused). */
async function chooseAlternatingUsers(page: Page, target: Database, scene: Awaited<ReturnType<typeof seedScene>>, shot: string) {
  await page.goto(`/inventory/${scene.secret.id}/edit`);
  await page.getByLabel('Strategy').selectOption('alternating_users');
  await page.getByLabel('Database', { exact: true }).selectOption(target.engine);
  await page.getByLabel('Admin credential secret (id)').fill(scene.adminSecret.id);
  await page.getByLabel('First user').fill(scene.users.a);
  await page.getByLabel('Second user').fill(scene.users.a);
  if (target.engine === 'mysql') await page.getByLabel('Account host (MySQL/MariaDB only)').fill('%');
  await page.getByLabel('TLS to the database').selectOption('disable');
  await page.getByLabel('When the grace period ends and consumers still use the old value').selectOption('hold');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('The two users must differ')).toBeVisible();
  await expect(page.getByLabel('Second user')).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: path.join(SHOTS, shot), fullPage: true });
  await page.getByLabel('Second user').fill(scene.users.b);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(new RegExp(`/inventory/${scene.secret.id}$`));
}

for (const engine of ['mysql', 'postgres'] as const) {
  test(`alternating users on ${engine === 'mysql' ? 'MariaDB' : 'PostgreSQL'}: the consumer moves, then the old user is retired`, async ({
    db,
    e2e,
    memberOf,
  }) => {
    test.setTimeout(240_000);
    // `npm test` on a machine without MariaDB says so and skips it; CI requires it (scripts/test.mjs).
    test.skip(engine === 'mysql' && process.env.TEST_MARIADB === 'absent', 'no MariaDB on 127.0.0.1:3306');
    const server = engine === 'postgres' ? await startPasswordPostgres() : null;
    const target = server ? await postgres(server) : await mariadb();
    const scene = await seedScene(db, e2e, target);
    let consumer: DbConsumer | null = null;
    try {
      const page = await (await (await memberOf('engineer', scene.secret.id)).browserContext()).newPage();
      await chooseAlternatingUsers(page, target, scene, `alternating-users-form-${engine}.png`);

      consumer = await startConsumer(e2e, target.engine, `production/${scene.secret.name}`, scene.application);
      await consumer.until((stats) => stats.queries > 3 && stats.user === scene.users.a);

      await page.goto(`/inventory/${scene.secret.id}/rotation`);
      await page.getByRole('button', { name: 'Rotate now', exact: true }).click();
      await expect(page.getByText('In grace period').first()).toBeVisible();
      const run = await runOf(db, scene.secret.id);
      expect(run).toMatchObject({ state: 'in_grace', new_user: scene.users.b, retiring_user: scene.users.a });
      await expect(page.getByText(`Active user: ${scene.users.b} (new) · retiring ${scene.users.a}`)).toBeVisible();

      // The consumer keeps its pool on the old user: the check sees it there, and the old
      // user keeps working.
      workerPass(e2e);
      await page.reload();
      const consumers = page.getByRole('table', { name: /Consumers of this secret/ });
      const row = consumers.getByRole('row', { name: new RegExp(scene.system.name) });
      await expect(row).toContainText('Still on the old value');
      await expect(row).toContainText(`as ${scene.users.a}`);
      expect((await runOf(db, scene.secret.id)).state).toBe('in_grace');
      await page.screenshot({ path: path.join(SHOTS, `alternating-users-consumers-${engine}.png`), fullPage: true });

      // It re-reads the provider and moves; the next check sees it on the new user, and the
      // old user is retired then (all moved: long before the grace period ends).
      consumer.follow();
      await consumer.until((stats) => stats.user === scene.users.b);
      await expect
        .poll(
          async () => {
            workerPass(e2e);
            return (await runOf(db, scene.secret.id)).state;
          },
          { timeout: 90_000, intervals: [1_000] },
        )
        .toBe('completed');

      // The old user no longer logs in with the password the old value holds; nothing failed on the way.
      expect(await target.canLogIn(scene.users.a, scene.first)).toBe(false);
      expect(consumer.stats().failures).toBe(0);

      await page.goto(`/inventory/${scene.secret.id}/rotation?run=${run.id}`);
      const timeline = page.getByRole('list', { name: 'Events of this rotation, oldest first' });
      await expect(timeline.getByText('Rotation: a consumer moved to the new value')).toBeVisible();
      await expect(timeline.getByText(/Decision: all moved/)).toBeVisible();
      await expect(timeline.getByText(new RegExp(`Retired user ${scene.users.a}`))).toBeVisible();
      await page.screenshot({ path: path.join(SHOTS, `alternating-users-timeline-${engine}.png`), fullPage: true });
    } finally {
      await consumer?.stop().catch(() => {});
      await target.dropUsers(scene.users.a, scene.users.b).catch(() => {});
      await target.close();
      await server?.stop();
    }
  });
}

/** A run held for stragglers, seeded as the engine leaves it (adoption rows, the hold). The
 *  retire-now test uses a generated secret: its retirement needs no database. */
async function seedHeld(db: Db, strategy: 'alternating_users' | 'generated' = 'alternating_users') {
  const team = await insertTeam(db);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db), name: unique('e2e-held-db') });
  await connectSecret(db, secret.id, (await insertConnection(db)).id, `production/${secret.name}`);
  const [api, batch] = [await insertSystem(db, team.id, unique('orders-api')), await insertSystem(db, team.id, unique('nightly-batch'))];
  for (const s of [api, batch]) await db.query('INSERT INTO secret_consumers (secret_id, system_id) VALUES ($1, $2)', [secret.id, s.id]);
  const run = await insertRotationRun(db, secret.id, {
    state: 'in_grace',
    strategy,
    previousVersionId: '1',
    newVersionId: '2',
    heldAt: new Date(),
  });
  await db.query(`UPDATE rotation_runs SET new_user = 'orders_app_b', retiring_user = 'orders_app_a', adoption_checked_at = now() WHERE id = $1`, [run.id]);
  await insertAdoption(db, run.id, {
    systemId: api.id,
    label: api.name,
    movedAt: new Date(),
    evidence: { oldSessions: 0, newSessions: 3, clients: '10.0.0.5', applications: 'orders-api' },
  });
  await insertAdoption(db, run.id, {
    systemId: batch.id,
    label: batch.name,
    onOld: true,
    evidence: { oldSessions: 1, newSessions: 0, clients: '10.0.0.7', applications: 'nightly-batch' },
  });
  await insertAdoption(db, run.id, {
    label: '10.0.0.9 · psql',
    onOld: true,
    evidence: { oldSessions: 1, newSessions: 0, clients: '10.0.0.9', applications: 'psql' },
  });
  return { secret, run, api, batch };
}

test('a held retirement names its stragglers to the owning team and on the Overview; a viewer sees the Rotation tab without the retire button', async ({
  db,
  memberOf,
}) => {
  const held = await seedHeld(db);
  const engineer = await (await (await memberOf('engineer', held.secret.id)).browserContext()).newPage();
  await engineer.goto(`/inventory/${held.secret.id}/rotation`);
  const banner = engineer.getByRole('status').filter({ hasText: 'Retirement held since' });
  await expect(banner).toContainText(held.batch.name);
  await expect(banner).toContainText('10.0.0.9 · psql');
  await expect(banner.getByRole('button', { name: 'Retire the old value now' })).toBeVisible();
  await expect(engineer.getByText('Active user: orders_app_b (new) · retiring orders_app_a')).toBeVisible();
  const consumers = engineer.getByRole('table', { name: /Consumers of this secret/ });
  await expect(consumers.getByRole('row', { name: new RegExp(held.api.name) })).toContainText('Moved');
  await expect(consumers.getByRole('row', { name: new RegExp(held.api.name) })).toContainText('3 sessions as orders_app_b from 10.0.0.5 (orders-api)');
  await expect(consumers.getByRole('row', { name: new RegExp(held.batch.name) })).toContainText('Still on the old value');
  await expect(consumers.getByRole('row', { name: /10\.0\.0\.9/ })).toContainText('Not declared');
  await expect(engineer.getByRole('alert').filter({ hasText: 'Finding: an undeclared reader still uses the old value' })).toBeVisible();
  await engineer.screenshot({ path: path.join(SHOTS, 'alternating-users-held.png'), fullPage: true });

  await engineer.goto('/');
  const panel = engineer.getByRole('region', { name: 'Held by stragglers' });
  await expect(panel.getByRole('link', { name: held.secret.name })).toHaveAttribute('href', `/inventory/${held.secret.id}/rotation`);
  await expect(panel.getByRole('row', { name: new RegExp(held.secret.name) })).toContainText(held.batch.name);
  await engineer.screenshot({ path: path.join(SHOTS, 'overview-held.png'), fullPage: true });

  const viewer = await (await (await memberOf('viewer', held.secret.id)).browserContext()).newPage();
  await viewer.goto(`/inventory/${held.secret.id}/rotation`);
  await expect(viewer.getByRole('status').filter({ hasText: 'Retirement held since' })).toContainText(held.batch.name);
  await expect(viewer.getByRole('table', { name: /Consumers of this secret/ })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Retire the old value now' })).toHaveCount(0);
});

test('the owning team retires a held old value now, named in the timeline', async ({ db, memberOf, e2e }) => {
  const held = await seedHeld(db, 'generated');
  await db.query(`UPDATE secrets SET rotation_strategy = 'generated' WHERE id = $1`, [held.secret.id]);
  // The local provider holds both versions the run names.
  for (const value of ['old', 'new']) await storeOf(e2e).write(`production/${held.secret.name}`, `${value}-${randomUUID()}`, randomUUID(), {});
  const page = await (await (await memberOf('engineer', held.secret.id)).browserContext()).newPage();
  await page.goto(`/inventory/${held.secret.id}/rotation`);
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Retire the old value now' }).click();
  await expect.poll(async () => (await runOf(db, held.secret.id)).state, { timeout: 20_000 }).toBe('completed');
  await page.goto(`/inventory/${held.secret.id}/rotation?run=${held.run.id}`);
  await expect(page.getByRole('list', { name: 'Events of this rotation, oldest first' }).getByText(/Decision: retired by a person/)).toBeVisible();
});
