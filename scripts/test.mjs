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

// The MySQL/MariaDB rotation tests need the machine's MariaDB (127.0.0.1:3306, root, no
// password). There is no embedded one to start: without it they are skipped, loudly, and
// CI (which installs and starts it in .ci/run) refuses to run without them.
const mariadb = await mariadbReachable();
if (!mariadb) {
  if (process.env.CI || process.env.TEST_REQUIRE_MARIADB) {
    console.error('CI needs MariaDB on 127.0.0.1:3306 (root, no password) for the MySQL/MariaDB rotation tests: .ci/run starts it.');
    process.exit(1);
  }
  console.warn('\nNo MariaDB on 127.0.0.1:3306 (root, no password): the MySQL/MariaDB rotation tests are SKIPPED in this run.\n');
}

const template = await createTemplate(server);
const env = {
  ...process.env,
  ...(mariadb ? {} : { TEST_MARIADB: 'absent' }),
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

async function mariadbReachable() {
  const { default: mysql } = await import('mysql2/promise');
  try {
    const connection = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', connectTimeout: 3_000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}
