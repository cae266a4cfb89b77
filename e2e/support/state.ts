// Where the end-to-end servers run, and the facts global setup hands to the specs
// (base URL, first-run setup token, database URL) through a small JSON file: setup
// runs in Playwright's runner process, the specs in worker processes.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

// Ports are fixed (not picked at random) so the OIDC client's redirect URI and the
// config's baseURL are known before anything starts. Override for a parallel checkout.
export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3205);
export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 3215);
// `localhost`, never 127.0.0.1: cookies and next-auth's URL checks compare host names.
export const BASE_URL = `http://localhost:${APP_PORT}`;
export const OIDC_ISSUER = `http://localhost:${OIDC_PORT}`;

export const ROOT = root;
export const RESULTS_DIR = path.join(root, 'test-results');
export const STATE_FILE = path.join(RESULTS_DIR, 'e2e-state.json');
export const SERVER_LOG = path.join(RESULTS_DIR, 'e2e-server.log');
export const OIDC_LOG = path.join(RESULTS_DIR, 'e2e-oidc.log');
export const WORKER_LOG = path.join(RESULTS_DIR, 'e2e-worker.log');
/** Every mail the e2e mail server (SMTP_URL of the app) accepted, one JSON object a line. */
export const MAIL_LOG = path.join(RESULTS_DIR, 'e2e-mail.jsonl');
/** The test clock's offset in milliseconds, read by the app and the worker (lib/clock.ts). */
export const CLOCK_FILE = path.join(RESULTS_DIR, 'e2e-clock-offset');
/** The server's local development provider store (specs seed versions into it). */
export const LOCAL_PROVIDER_DIR = path.join(RESULTS_DIR, 'local-provider');

export type E2EState = {
  baseURL: string;
  oidcIssuer: string;
  /** The one-time token the app printed at start (first-run setup). */
  setupToken: string;
  /** The e2e database (a clone of the migrated template) as its owner; specs seed and assert on it. The app logs in as the runtime role (serverEnv.DATABASE_URL). */
  databaseUrl: string;
  // For global teardown only.
  pgServer: string;
  databaseName: string;
  /** The environment the app and the worker run with (test-only secrets), so a spec can
   *  run one more worker pass (`scripts/worker.ts --once`) exactly as they would. */
  serverEnv: Record<string, string>;
  /** The server's LOCAL_PROVIDER_KEY (base64url), so specs can seed its local store. */
  localProviderKey: string;
  /** Set when global setup created the template itself (Playwright run alone). */
  ownTemplate: string | null;
  pids: { app: number | null; oidc: number | null; worker?: number | null };
};

let cached: E2EState | undefined;

export function readState(): E2EState {
  if (cached) return cached;
  try {
    cached = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2EState;
  } catch {
    throw new Error(`${STATE_FILE} is missing: e2e specs run through Playwright's global setup (npx playwright test).`);
  }
  return cached;
}
