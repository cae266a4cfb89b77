// Playwright global setup: one production server for the whole run, on a database of
// its own, with a real OpenID provider beside it.
//   1. a fresh database cloned from the migrated template (npm test makes the template;
//      `npx playwright test` alone makes one from DATABASE_URL, which must be local); the
//      server and worker log in as its runtime role (scripts/lib/db-roles.mjs), as in
//      production, so every spec runs under those grants; fixtures use the owner's URL;
//   2. the OIDC provider (e2e/support/oidc-provider.ts) on 127.0.0.1:OIDC_PORT, and a
//      mail server (test/support/smtp-receiver.ts, in this process, on a free loopback
//      port) that the app's email channels send through, writing what it gets to MAIL_LOG;
//   3. the app's server (scripts/server.mjs, as `npm start` runs it) on the existing
//      production build (.next), its output in
//      test-results/e2e-server.log, from which the first-run setup token is read;
//   4. the facts the specs need, in the state file (e2e/support/state.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { assertLocalDatabase, cloneTemplate, createTemplate, dropDatabase } from '../test/support/databases.mjs';
import { startSmtpReceiver } from '../test/support/smtp-receiver';
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ROLE_MAP } from './support/oidc-accounts';
import {
  APP_PORT,
  BASE_URL,
  CLOCK_FILE,
  LOCAL_PROVIDER_DIR,
  MAIL_LOG,
  OIDC_ISSUER,
  OIDC_LOG,
  OIDC_PORT,
  RESULTS_DIR,
  ROOT,
  SERVER_LOG,
  STATE_FILE,
  WORKER_LOG,
  type E2EState,
} from './support/state';
import { stopProcess } from './support/processes';
import { serverNodeFlags } from '../scripts/lib/server-node-flags.mjs';

const START_TIMEOUT_MS = 60_000;

export default async function globalSetup(): Promise<void> {
  if (!existsSync(path.join(ROOT, '.next/BUILD_ID'))) {
    throw new Error('No production build in .next: run `npx next build` first (npm test does it for you).');
  }
  const pgServer = process.env.TEST_PG_SERVER ?? process.env.DATABASE_URL;
  if (!pgServer) {
    throw new Error('The e2e tests need PostgreSQL: run `npm test`, or set DATABASE_URL to a local server.');
  }
  assertLocalDatabase(pgServer);
  await assertPortFree(APP_PORT, 'the app');
  await assertPortFree(OIDC_PORT, 'the OIDC provider');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

  const ownTemplate = process.env.TEST_TEMPLATE_DB ? null : await createTemplate(pgServer);
  const template = process.env.TEST_TEMPLATE_DB ?? ownTemplate!;
  const database = await cloneTemplate(pgServer, template, 'si_e2e');
  console.log(`e2e: database ${database.name} ready (${ownTemplate ? 'template migrated here, ' : ''}${elapsed()})`);

  const localProviderKey = randomBytes(32).toString('base64url');
  const auditSigningKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  rmSync(LOCAL_PROVIDER_DIR, { recursive: true, force: true });
  const started: ChildProcess[] = [];
  try {
    const oidc = startLogged(
      [process.execPath, '--import', 'tsx', 'e2e/support/oidc-provider.ts'],
      { OIDC_ISSUER, OIDC_PORT: String(OIDC_PORT), APP_URL: BASE_URL },
      OIDC_LOG,
    );
    started.push(oidc);
    await waitFor('the OIDC provider', oidc, OIDC_LOG, async () => (await fetchStatus(`${OIDC_ISSUER}/.well-known/openid-configuration`)) === 200);

    // Email channels send through this; global teardown closes it (same process).
    rmSync(MAIL_LOG, { force: true });
    const smtpPassword = randomBytes(16).toString('base64url');
    const mailServer = await startSmtpReceiver({
      user: 'e2e-mailer',
      password: smtpPassword,
      onReceived: ({ from, to, subject, text, html }) => appendFileSync(MAIL_LOG, `${JSON.stringify({ from, to, subject, text, html })}\n`),
    });
    (globalThis as { e2eMailServer?: { close: () => Promise<void> } }).e2eMailServer = mailServer;

    // The app and the background worker share one environment, as under `npm start`.
    const serverEnv: Record<string, string> = {
      NODE_ENV: 'production',
      PORT: String(APP_PORT),
      DATABASE_URL: database.runtimeUrl,
      NEXTAUTH_URL: BASE_URL,
      NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
      OIDC_ISSUER,
      OIDC_CLIENT_ID,
      OIDC_CLIENT_SECRET,
      OIDC_ROLE_MAP,
      METADATA_SERVER_DETECTION: 'none',
      AWS_EC2_METADATA_DISABLED: 'true',
      NEXT_TELEMETRY_DISABLED: '1',
      VALUE_FINGERPRINT_PEPPER: randomBytes(32).toString('base64url'),
      LOCAL_PROVIDER_KEY: localProviderKey,
      LOCAL_PROVIDER_DIR,
      // The specs use the local provider under a production build, and webhook receivers and
      // emulators on loopback, which the egress policy refuses by default.
      ALLOW_LOCAL_PROVIDER: 'true',
      EGRESS_ALLOW: '127.0.0.1',
      // Signs evidence bundles; specs verify downloads against its public half (serverEnv).
      AUDIT_SIGNING_KEY: auditSigningKey,
      // The default credential chain's first source; the cloud emulators ignore signatures.
      AWS_ACCESS_KEY_ID: 'AKIDE2ETESTONLY',
      AWS_SECRET_ACCESS_KEY: 'e2e-test-only-secret-access-key',
      AWS_REGION: 'us-east-1',
      // No spec reads CloudTrail, but the worker's scheduled access ingestion runs for every AWS
      // connection the specs make: a closed loopback port keeps it from resolving AWS's hosts.
      CLOUDTRAIL_ENDPOINT: 'http://127.0.0.1:9',
      // The mail server above, on loopback (so no STARTTLS is required).
      SMTP_URL: `smtp://e2e-mailer:${smtpPassword}@127.0.0.1:${mailServer.port}`,
      SMTP_FROM: 'Secret inventory <secrets@example.test>',
      // The test clock: specs move the app's and the worker's "now" by writing an offset here.
      TEST_CLOCK_FILE: CLOCK_FILE,
    };
    writeFileSync(CLOCK_FILE, '0');
    const app = startLogged([process.execPath, ...serverNodeFlags(), 'scripts/server.mjs', '--hostname', 'localhost'], serverEnv, SERVER_LOG);
    started.push(app);
    let setupToken = '';
    await waitFor('the app server', app, SERVER_LOG, async () => {
      setupToken ||= /Setup token: (\S+)/.exec(readFileSync(SERVER_LOG, 'utf8'))?.[1] ?? '';
      return Boolean(setupToken) && (await fetchStatus(`${BASE_URL}/api/health`)) === 200;
    });

    // The worker (scripts/worker.ts, as `npm run worker` runs it): rotation ticks, webhook
    // deliveries. Ready once it logged that it started.
    const worker = startLogged(
      [process.execPath, '--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts'],
      { ...serverEnv, LOG_LEVEL: 'info' },
      WORKER_LOG,
    );
    started.push(worker);
    await waitFor('the background worker', worker, WORKER_LOG, async () => readFileSync(WORKER_LOG, 'utf8').includes('"worker started"'));

    const state: E2EState = {
      baseURL: BASE_URL,
      oidcIssuer: OIDC_ISSUER,
      setupToken,
      databaseUrl: database.url,
      pgServer,
      databaseName: database.name,
      ownTemplate,
      localProviderKey,
      serverEnv,
      pids: { app: app.pid ?? null, oidc: oidc.pid ?? null, worker: worker.pid ?? null },
    };
    writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
    console.log(`e2e: app ${BASE_URL} and OpenID provider ${OIDC_ISSUER} up (${elapsed()}); server log: ${path.relative(ROOT, SERVER_LOG)}`);
  } catch (error) {
    for (const child of started) if (child.pid) await stopProcess(child.pid);
    await (globalThis as { e2eMailServer?: { close: () => Promise<void> } }).e2eMailServer?.close();
    await database.drop().catch(() => {});
    if (ownTemplate) await dropDatabase(pgServer, ownTemplate).catch(() => {});
    throw error;
  }
}

/** Starts `command` with its stdout and stderr going straight to `logFile`. */
function startLogged(command: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'w');
  // Only what a server needs from the runner's environment: never the runner's own
  // DATABASE_URL or secrets, so the app cannot reach anything but its e2e database.
  const base = Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
  // The node process itself (no npx or shell wrapper), so teardown's kill stops the server.
  const child = spawn(command[0], command.slice(1), { cwd: ROOT, env: { ...base, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return child;
}

async function waitFor(what: string, child: ChildProcess, logFile: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) while starting. Its output:\n${tail(logFile)}`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} was not ready within ${START_TIMEOUT_MS / 1000} s. Its output:\n${tail(logFile)}`);
}

async function fetchStatus(url: string): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.status;
}

function tail(file: string): string {
  return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
}

// A leftover server on the port would answer the health check and the run would test
// the wrong build against the wrong database.
function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', () => reject(new Error(`Port ${port} (${what}) is in use: stop whatever listens there, or set E2E_APP_PORT / E2E_OIDC_PORT.`)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
