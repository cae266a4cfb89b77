// `npm test`: the whole suite on a fresh machine.
//   1. PostgreSQL: DATABASE_URL if set (must be local), else an embedded one.
//   2. A migrated template database for this run; each test file clones its own.
//   3. Static checks (`npm run lint`: types, ESLint with the layer rules), Vitest (unit +
//      integration), then a production build (unless one newer than the sources exists) and
//      Playwright (e2e).
// Extra arguments go to both runners' filters: `npm test -- secrets`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startEmbeddedPostgres } from './lib/embedded-db.mjs';
import { buildIsCurrent } from './lib/next-build.mjs';
import { assertLocalDatabase, createTemplate, dropDatabase } from '../test/support/databases.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const only = args.includes('--unit') ? 'unit' : args.includes('--e2e') ? 'e2e' : 'all';
const filters = args.filter((a) => !a.startsWith('--'));

let embedded;
let server = process.env.DATABASE_URL;
if (server) {
  assertLocalDatabase(server);
} else {
  console.log('DATABASE_URL is not set: starting an embedded PostgreSQL for the tests');
  embedded = await startEmbeddedPostgres({ name: 'test-postgres', database: 'postgres', persistent: false });
  server = embedded.serverUrl;
}

const template = await createTemplate(server);
const env = {
  ...process.env,
  TEST_PG_SERVER: server,
  TEST_TEMPLATE_DB: template,
  METADATA_SERVER_DETECTION: 'none',
  AWS_EC2_METADATA_DISABLED: 'true',
  NEXT_TELEMETRY_DISABLED: '1',
};
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const run = (cmd, cmdArgs) => spawnSync(cmd, cmdArgs, { stdio: 'inherit', env, cwd: root }).status ?? 1;

let status = 0;
try {
  if (only === 'all') status ||= run('npm', ['run', '--silent', 'lint']);
  if (only !== 'e2e' && status === 0) status ||= run(bin('vitest'), ['run', ...filters]);
  if (only !== 'unit' && status === 0) {
    // Vitest's two-instance test (test/integration/replicas.test.ts) builds when it must: not twice.
    if (!buildIsCurrent(root)) status ||= run(bin('next'), ['build']);
    if (status === 0) status ||= run(bin('playwright'), ['test', ...filters]);
  }
} finally {
  await dropDatabase(server, template).catch(() => {});
  await embedded?.stop();
}
process.exit(status);
