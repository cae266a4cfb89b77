// The commands on a Quick-start checkout: no DATABASE_URL and no keys in the environment,
// only what `npm start` left in ./.data (generated keys, role passwords, the embedded
// PostgreSQL). In a copy of the checkout's layout in a temporary folder (scripts copied, so
// ./.data is the copy's; sources and packages linked), the embedded database is set up as
// npm start sets it up, then `npm run audit:verify` and `audit:purge` run in it, with npm
// start's server running and with it stopped.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as EmbeddedDb from '../../scripts/lib/embedded-db.mjs';
import type * as LocalEnv from '../../scripts/lib/local-env.mjs';
import type * as SupervisorModule from '../../scripts/lib/supervisor.mjs';
import { migrateAndGrant } from '../../scripts/lib/db-roles.mjs';

const root = path.resolve(__dirname, '../..');
const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;

let project: string;
let localEnv: typeof LocalEnv;
let embeddedDb: typeof EmbeddedDb;
let server: SupervisorModule.Supervisor | undefined;

/** `npm run <name> -- <args>` in the copy, with nothing but PATH and HOME in its environment. */
function npmRun(name: string, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const [bin, ...scriptArgs] = scripts[name].split(' ');
  const child = spawn(path.join(root, 'node_modules/.bin', bin), [...scriptArgs, ...args], {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: process.env.HOME } as unknown as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

async function currentUser(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT current_user')).rows[0].current_user;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  project = mkdtempSync(path.join(tmpdir(), 'si-quick-start-'));
  // As root the embedded server runs as the `postgres` user, who must reach ./.data.
  chmodSync(project, 0o755);
  cpSync(path.join(root, 'scripts'), path.join(project, 'scripts'), { recursive: true });
  for (const file of ['package.json', 'tsconfig.json']) cpSync(path.join(root, file), path.join(project, file));
  for (const dir of ['node_modules', 'lib', 'generated', 'prisma']) symlinkSync(path.join(root, dir), path.join(project, dir));
  localEnv = await import(pathToFileURL(path.join(project, 'scripts/lib/local-env.mjs')).href);
  embeddedDb = await import(pathToFileURL(path.join(project, 'scripts/lib/embedded-db.mjs')).href);
  const { Supervisor } = (await import(pathToFileURL(path.join(project, 'scripts/lib/supervisor.mjs')).href)) as typeof SupervisorModule;
  // What npm start does with no DATABASE_URL: start the embedded cluster, migrate, grant.
  const env: Record<string, string | undefined> = {};
  server = new Supervisor();
  await localEnv.startEmbeddedDatabase(server, env);
  await migrateAndGrant({ ownerUrl: env.MIGRATION_DATABASE_URL!, runtimeUrl: env.DATABASE_URL!, purgeUrl: env.PURGE_DATABASE_URL });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('commands on a Quick-start checkout', () => {
  it('with npm start running, audit:verify and audit:purge use its database, without a second server', async () => {
    const running = embeddedDb.runningEmbeddedPostgres();
    expect(running).not.toBeNull();
    const verify = await npmRun('audit:verify');
    expect(verify.output).toMatch(/audit:verify OK/);
    expect(verify.code).toBe(0);
    // Reached the database and read the retention setting (keep forever: nothing to purge).
    const purge = await npmRun('audit:purge', ['--before', '2020-01-01', '--export', 'old.jsonl']);
    expect(purge.output).toMatch(/audit:purge REFUSED/);
    expect(purge.code).toBe(1);
    expect(embeddedDb.runningEmbeddedPostgres()).toEqual(running);
  }, 60_000);

  it('logs audit:purge in as the purge role and the others as the runtime role, never as the superuser', async () => {
    const purgeEnv: Record<string, string | undefined> = {};
    await localEnv.prepareCommandEnv({ role: 'purge', startIfStopped: false, env: purgeEnv });
    expect(await currentUser(purgeEnv.DATABASE_URL!)).toBe('si_purge');
    expect(await currentUser(purgeEnv.PURGE_DATABASE_URL!)).toBe('si_purge');
    const runtimeEnv: Record<string, string | undefined> = {};
    await localEnv.prepareCommandEnv({ role: 'runtime', startIfStopped: false, env: runtimeEnv });
    expect(await currentUser(runtimeEnv.DATABASE_URL!)).toBe('si_runtime');
    for (const env of [purgeEnv, runtimeEnv]) {
      expect(env.MIGRATION_DATABASE_URL).toBeUndefined();
      expect(env.NEXTAUTH_SECRET).toBe(readFileSync(path.join(project, '.data/nextauth-secret'), 'utf8'));
    }
    expect(runtimeEnv.PURGE_DATABASE_URL).toBeUndefined();
  });

  it('with npm start stopped, audit:verify starts the database for its own run; the worker says how to proceed', async () => {
    await server!.stop();
    server = undefined;
    expect(embeddedDb.runningEmbeddedPostgres()).toBeNull();
    const verify = await npmRun('audit:verify');
    expect(verify.output).toMatch(/audit:verify OK/);
    expect(verify.code).toBe(0);
    expect(embeddedDb.runningEmbeddedPostgres()).toBeNull();
    await expect(localEnv.prepareCommandEnv({ role: 'runtime', startIfStopped: false, env: {} })).rejects.toThrow(
      /embedded PostgreSQL \(\.\/\.data\/postgres\) is not running: start it with `npm start`/,
    );
  }, 60_000);
});
