// Several replicas on one database must share their keys: the server, the worker and npm
// start, given an external DATABASE_URL without them, stop at once with one message naming
// what is missing, and generate nothing (scripts/lib/replica-keys.mjs). Each runs as a real
// process with only the environment below; the two keys are set blank (as unset, for the
// refusal), so that a .env in the checkout cannot fill them in (.env files never override
// a variable the environment has, even an empty one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../support/app-process';
import { freePort } from '../support/free-port';

const home = mkdtempSync(path.join(tmpdir(), 'si-replica-keys-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Runs `args` with node in the checkout, with an external database and only NEXTAUTH_SECRET of the three keys. */
async function refused(args: string[]) {
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    PORT: String(await freePort()),
    // Never reached: the refusal comes before any connection.
    DATABASE_URL: 'postgresql://si_runtime:unused@127.0.0.1:9/secret_inventory',
    NEXTAUTH_SECRET: 'replica-test-nextauth-secret-0123456789abcdef',
    VALUE_FINGERPRINT_PEPPER: '',
    AUDIT_SIGNING_KEY: '',
  } as unknown as NodeJS.ProcessEnv;
  return spawnSync(process.execPath, args, { cwd: appRoot, env, encoding: 'utf8', timeout: 60_000 });
}

const dataFiles = () => (existsSync(path.join(appRoot, '.data')) ? readdirSync(path.join(appRoot, '.data')).sort() : []);

describe('an external DATABASE_URL without the shared keys', () => {
  it.each([
    ['the server', ['scripts/server.mjs'], 'The server'],
    ['the worker', ['--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts'], 'The worker'],
    ['npm start', ['scripts/start.mjs', '--prebuilt'], 'npm start'],
  ])(
    '%s refuses to start, naming the missing keys',
    async (_name, args, who) => {
      const before = dataFiles();
      const run = await refused(args);
      const output = `${run.stdout}${run.stderr}`;
      expect(run.status, output).toBe(1);
      expect(output).toContain(
        `${who} refuses to start: DATABASE_URL names an external database, and VALUE_FINGERPRINT_PEPPER, AUDIT_SIGNING_KEY are not set.`,
      );
      expect(output).toMatch(/^ {2}AUDIT_SIGNING_KEY: signs evidence bundles/m);
      expect(dataFiles(), 'no key was generated into ./.data').toEqual(before);
    },
    90_000,
  );
});
