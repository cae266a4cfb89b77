// `npm start` as a supervisor, end to end: scripts/start.mjs runs in a copy of the checkout's
// layout in a temporary folder (scripts copied, so ./.data and its embedded PostgreSQL are
// the copy's; packages, lib and prisma linked), with stand-ins for the server and the
// worker (the Next.js app is not what is under test, and building it is slow). A killed
// server is restarted; SIGTERM stops the server and the worker, the worker still reaching
// the database while it drains, then the database; npm start exits 0 and leaves nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../support/free-port';

const root = path.resolve(__dirname, '../..');
let project: string;
let start: ChildProcess | undefined;

const SERVER_STUB = `
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
const log = (line) => appendFileSync(process.env.STUB_LOG, line + '\\n');
const server = createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1', () => log('server up ' + process.pid));
process.on('SIGTERM', () => server.close(() => { log('server stopped'); process.exit(0); }));
`;

// On SIGTERM it "finishes a job" that needs the database before it exits.
const WORKER_STUB = `
import { appendFileSync } from 'node:fs';
import pg from 'pg';
const log = (line) => appendFileSync(process.env.STUB_LOG, line + '\\n');
log('worker up ' + process.pid);
setInterval(() => {}, 1000);
process.on('SIGTERM', () => setTimeout(async () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  try {
    await client.connect();
    const { rows } = await client.query('SELECT current_user AS who');
    log('worker drained as ' + rows[0].who);
  } catch (error) {
    log('worker lost the database: ' + error.message);
  }
  process.exit(0);
}, 1000));
`;

/** A copy of the checkout's layout with stand-ins for the server and the worker. */
function makeProject() {
  const dir = mkdtempSync(path.join(tmpdir(), 'si-start-'));
  // As root the embedded server runs as the `postgres` user, who must reach ./.data.
  chmodSync(dir, 0o755);
  cpSync(path.join(root, 'scripts'), path.join(dir, 'scripts'), { recursive: true });
  for (const file of ['package.json', 'tsconfig.json']) cpSync(path.join(root, file), path.join(dir, file));
  for (const sub of ['node_modules', 'lib', 'generated', 'prisma']) symlinkSync(path.join(root, sub), path.join(dir, sub));
  writeFileSync(path.join(dir, 'scripts/server.mjs'), SERVER_STUB);
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'dist/worker.mjs'), WORKER_STUB);
  return dir;
}

/** node scripts/start.mjs --prebuilt in `dir`, with nothing but PATH, HOME and free ports in its environment. */
async function runStart(dir: string) {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    STUB_LOG: path.join(dir, 'stub.log'),
  } as unknown as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, [path.join(dir, 'scripts/start.mjs'), '--prebuilt'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { child, output: '', exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
  child.stdout.on('data', (c: Buffer) => (run.output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (run.output += c.toString()));
  return run;
}

const stubLogOf = (dir: string) => (existsSync(path.join(dir, 'stub.log')) ? readFileSync(path.join(dir, 'stub.log'), 'utf8') : '');
const stubLog = () => stubLogOf(project);

const until = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

beforeAll(() => {
  project = makeProject();
});

afterAll(() => {
  if (start && start.exitCode === null) start.kill('SIGKILL');
  if (project) rmSync(project, { recursive: true, force: true });
});

it('restarts a killed server, and on SIGTERM stops the apps before the database and exits 0', async () => {
  const run = await runStart(project);
  start = run.child;
  await until(() => /server up/.test(stubLog()) && /worker up/.test(stubLog()), 90_000);
  const firstServer = Number(/server up (\d+)/.exec(stubLog())![1]);
  process.kill(firstServer, 'SIGKILL');
  await until(() => (stubLog().match(/server up/g) ?? []).length === 2, 20_000);
  expect(run.output).toContain('[supervisor] server ended (killed by SIGKILL); restart #1 in 1 s');

  start.kill('SIGTERM');
  expect(await run.exited).toBe(0);
  expect(run.output).toContain('npm start: SIGTERM: stopping the server and the worker, then the database');
  expect(run.output).toContain('npm start: stopped.');
  // The worker reached the database (as the runtime role) while it drained.
  expect(stubLog()).toContain('worker drained as si_runtime');
  expect(stubLog()).toContain('server stopped');
  // The database stopped cleanly: PostgreSQL removes its lock file at a clean shutdown.
  expect(existsSync(path.join(project, '.data/postgres/postmaster.pid'))).toBe(false);
}, 180_000);

it('ends with a clear message, and exit code 1, when the embedded PostgreSQL cannot start at all', async () => {
  const dir = makeProject();
  try {
    // A cluster of a PostgreSQL major version this binary cannot run.
    mkdirSync(path.join(dir, '.data/postgres'), { recursive: true });
    writeFileSync(path.join(dir, '.data/postgres/PG_VERSION'), '99\n');
    const run = await runStart(dir);
    expect(await run.exited).toBe(1);
    expect(run.output).toMatch(/npm start: embedded PostgreSQL did not start: it ended \(exit code \d+\)/);
    // PostgreSQL's own reason is shown.
    expect(run.output).toMatch(/\[embedded postgres\] postgres: could not access the server configuration file/);
    expect(stubLogOf(dir)).toBe('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
