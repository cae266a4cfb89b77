// End-to-end tests: the production build (`next build`, then scripts/server.mjs from
// e2e/global-setup.ts) driven by Debian's Chromium. `npm test` runs them after
// vitest; alone: `npx next build && npx playwright test`.
import { defineConfig, devices } from '@playwright/test';
import { BASE_URL } from './e2e/support/state';

export default defineConfig({
  testDir: 'e2e',
  // One app server and one database for the run, and two cores: tests run in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Generous: the machine's two cores are often shared with a build or another suite.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // The distribution's Chromium (Debian/Ubuntu package `chromium`), or CHROMIUM_PATH;
      // `npx playwright install` cannot download browsers on these machines.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    // First-run setup needs a database with no accounts, so it runs before anything seeds one.
    { name: 'setup', testMatch: /setup\.spec\.ts$/, use: { ...devices['Desktop Chrome'] } },
    {
      name: 'chromium',
      testIgnore: /setup\.spec\.ts$/,
      dependencies: ['setup'],
      use: { ...devices['Desktop Chrome'] },
    },
  ],
});
