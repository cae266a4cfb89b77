// Playwright global teardown: stops the servers (the mail server runs in this process,
// started by global setup) and drops the e2e database (and the template, when global setup
// had to make one itself).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dropDatabase } from '../test/support/databases.mjs';
import { stopProcess } from './support/processes';
import { STATE_FILE, type E2EState } from './support/state';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { e2eMailServer?: { close: () => Promise<void> } }).e2eMailServer?.close();
  if (!existsSync(STATE_FILE)) return; // setup failed and already cleaned up after itself
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2EState;
  for (const pid of [state.pids.worker, state.pids.app, state.pids.oidc]) if (pid) await stopProcess(pid);
  await dropDatabase(state.pgServer, state.databaseName);
  if (state.ownTemplate) await dropDatabase(state.pgServer, state.ownTemplate);
  rmSync(STATE_FILE, { force: true });
}
