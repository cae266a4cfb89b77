// A database outage, end to end: a second app server (scripts/server.mjs on the same
// production build and database) reaches PostgreSQL through a loopback TCP proxy that the
// spec cuts and restores. While it is cut, pages show the readable outage message (not
// Next's bare error shell), /api/health answers 503 promptly, and the server's log stays
// a handful of lines however many requests fail; once it is restored, the open page
// recovers by itself and the server works on without a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expectNoSeriousViolations } from './support/axe';
import { expect, test } from './support/fixtures';
import { stopProcess } from './support/processes';
import { RESULTS_DIR, ROOT } from './support/state';
import { freePort } from '../test/support/free-port';
import { startTcpProxy, type TcpProxy } from '../test/support/tcp-proxy';
import { serverNodeFlags } from '../scripts/lib/server-node-flags.mjs';

const LOG_FILE = path.join(RESULTS_DIR, 'e2e-outage-server.log');
const OUTAGE_TEXT = 'The database cannot be reached.';
// Where to look at the outage page (kept out of the repository).
const SCREENSHOT = process.env.E2E_OUTAGE_SCREENSHOT ?? '/tmp/database-outage.png';

const logLines = () =>
  readFileSync(LOG_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');

async function healthOf(baseURL: string): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${baseURL}/api/health`, { signal: AbortSignal.timeout(10_000) });
  await response.body?.cancel();
  return { status: response.status, ms: Date.now() - started };
}

test.describe('database outage', () => {
  let proxy: TcpProxy | undefined;
  let server: ChildProcess | undefined;

  test.afterAll(async () => {
    if (server?.pid) await stopProcess(server.pid);
    await proxy?.close();
  });

  test('pages say so and retry, health is 503, the log stays short, and the server recovers', async ({ e2e, signedInContext, browser }) => {
    test.setTimeout(240_000);
    const database = new URL(e2e.serverEnv.DATABASE_URL);
    proxy = await startTcpProxy(database.hostname, Number(database.port || 5432));
    const proxied = new URL(database);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const port = await freePort();
    const baseURL = `http://localhost:${port}`;

    // As global setup starts the main server (only the runner's PATH and HOME pass).
    const fd = openSync(LOG_FILE, 'w');
    const base = Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
    server = spawn(process.execPath, [...serverNodeFlags(), 'scripts/server.mjs', '--hostname', 'localhost'], {
      cwd: ROOT,
      env: { ...base, ...e2e.serverEnv, PORT: String(port), NEXTAUTH_URL: baseURL, DATABASE_URL: proxied.toString() } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    await expect
      .poll(
        () =>
          healthOf(baseURL).then(
            (h) => h.status,
            () => 0,
          ),
        { timeout: 60_000, intervals: [250] },
      )
      .toBe(200);

    // Signed in on the main server: the session cookie (localhost, any port) and the
    // database are the same, so it is good here too.
    const viewer = await signedInContext('viewer');
    const context = await browser.newContext({ baseURL, storageState: await viewer.request.storageState() });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    const before = logLines().length;

    await proxy.cut();

    // Health answers at once (refused connections), and says the database is down.
    const health = await healthOf(baseURL);
    expect(health.status).toBe(503);
    expect(health.ms).toBeLessThan(5_000);

    // A page asked for during the outage: the readable message, with a way to retry.
    const response = await page.goto('/inventory');
    expect(response?.status()).toBe(500);
    await expect(page.getByRole('heading', { name: OUTAGE_TEXT })).toBeVisible();
    await expect(page.getByText('The page will retry.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await expectNoSeriousViolations(page, 'the outage page');

    // Signed out, the sign-in page (which reads the database too) says the same in its card.
    const signedOut = await browser.newContext({ baseURL });
    const signInPage = await signedOut.newPage();
    await signInPage.goto('/sign-in');
    await expect(signInPage.getByRole('heading', { name: OUTAGE_TEXT })).toBeVisible();
    await expectNoSeriousViolations(signInPage, 'the sign-in page during the outage');
    await signedOut.close();

    // Many failing requests (pages, their RSC payloads, health) leave a handful of log lines.
    const paths = ['/', '/inventory', '/rotation', '/teams', '/sign-in', '/api/health'];
    for (let round = 0; round < 20; round += 1) {
      await Promise.all(
        paths.map(async (p) => {
          const answer = await viewer.request.get(`${baseURL}${p}`, { maxRedirects: 0, timeout: 10_000 });
          expect([500, 503]).toContain(answer.status());
        }),
      );
    }
    const duringOutage = logLines().slice(before);
    expect(
      duringOutage.filter((line) => /^\s+at /.test(line)),
      duringOutage.join('\n'),
    ).toEqual([]);
    expect(duringOutage.length, duringOutage.join('\n')).toBeLessThanOrEqual(6);
    expect(duringOutage.filter((line) => line.includes('"database unreachable'))).toHaveLength(1);

    // Back: the open page recovers by itself (its retries back off to at most 30 s), and
    // the server answers normally without a restart.
    await proxy.restore();
    await expect(page.getByRole('heading', { name: 'Inventory', exact: true })).toBeVisible({ timeout: 45_000 });
    expect((await healthOf(baseURL)).status).toBe(200);
    const again = await viewer.request.get(`${baseURL}/rotation`);
    expect(again.status()).toBe(200);
    const afterOutage = logLines().slice(before);
    expect(afterOutage.filter((line) => line.includes('"database reachable again"'))).toHaveLength(1);
    expect(afterOutage.length, afterOutage.join('\n')).toBeLessThanOrEqual(8);
    await context.close();
  });
});
