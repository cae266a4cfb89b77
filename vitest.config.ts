import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      'server-only': path.join(root, 'test/support/empty-module.ts'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'components/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    // `npm test` on a machine without MariaDB (scripts/test.mjs says so and CI refuses it):
    // the MySQL/MariaDB-only file is left out, the mixed ones skip their MariaDB parts.
    exclude: ['**/node_modules/**', ...(process.env.TEST_MARIADB === 'absent' ? ['test/integration/mysql-user.test.ts'] : [])],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-env.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
