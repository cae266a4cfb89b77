// ESLint: Next's recommended rules (React, hooks, Core Web Vitals, TypeScript) plus the
// layer rules that keep the architecture (docs/architecture.md "Layers") true as the code grows.
// Each layer rule's message says what it protects, so a failure explains itself.
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/** Pages, layouts and components reach data only through lib/data, which authorizes. */
const UI_IMPORTS = [
  {
    group: ['@/lib/db', '@/lib/db/*', '**/lib/db', '**/lib/db/*'],
    message: 'Layer rule: app/ and components/ never touch the database directly. Call a lib/data function: it authorizes the caller and audits.',
  },
  {
    group: ['@/lib/providers', '@/lib/providers/*', '**/lib/providers/*'],
    allowTypeImports: true,
    message: 'Layer rule: app/ and components/ never call a provider SDK. Go through lib/data (and lib/values/write-service.ts for writes).',
  },
  {
    group: ['@/generated/prisma/client', '@/generated/prisma/client/*', '@prisma/*'],
    allowTypeImports: true,
    message: 'Layer rule: app/ and components/ may import Prisma types, never Prisma values (queries belong to lib/data).',
  },
];

/** Below the data layer (auth, rotation, providers, audit...) nothing calls back up into it. */
const BELOW_DATA_IMPORTS = [
  {
    group: ['@/lib/data', '@/lib/data/*', '../data', '../data/*'],
    allowTypeImports: true,
    message:
      'Layer rule: lib/data is the top of lib/ (authorized functions for pages and actions); modules below it must not import it. Move the shared helper down (lib/db, lib/validation...).',
  },
];

/**
 * The export room's sources (lib/export/sources) read the same lists as the pages, so they
 * reuse the pages' filter SQL in lib/data/sql, and only that: never an authorized lib/data
 * function (the room's own entry points, lib/export/run.ts and lib/export/bundle/, authorize).
 */
const EXPORT_SOURCE_IMPORTS = [
  {
    regex: '^(@/lib/data|\\.\\./\\.\\./data)(/(?!sql/)[^/]+)?$',
    allowTypeImports: true,
    message:
      "Layer rule: an export source may use the list filters in lib/data/sql, not lib/data's authorized functions (exports authorize in lib/export/run.ts). Move the shared SQL to lib/data/sql.",
  },
];

const ENV_ONLY_IN_ENV_TS = {
  object: 'process',
  property: 'env',
  message: 'Layer rule: only lib/env.ts reads process.env (parsed and checked once at start). Add the setting there and use env().',
};

export default [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ['.next/**', 'generated/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'dist/**', '.data/**'],
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: UI_IMPORTS }] },
  },
  {
    // The worker's jobs, the start-up announcement and the REST API's endpoints (lib/api)
    // are entry points, like pages and actions: they may call the data layer.
    files: ['lib/**/*.ts'],
    ignores: ['lib/data/**', 'lib/api/**', 'lib/jobs/**', 'lib/setup/**', 'lib/rotation/jobs.ts', 'lib/export/sources/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: BELOW_DATA_IMPORTS }] },
  },
  {
    // The export room (lib/export) is one folder with two levels: its format, encoders,
    // bundle and route handler sit below the data layer (the rule above); its entry points
    // (run.ts, bundle/evidence-bundle.ts, bundle/verify-upload.ts) authorize the caller as
    // lib/data's functions do, without importing lib/data; its sources sit beside lib/data.
    files: ['lib/export/sources/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: EXPORT_SOURCE_IMPORTS }] },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'lib/**/*.ts', 'proxy.ts', 'instrumentation.ts'],
    ignores: ['lib/env.ts', '**/*.test.ts'],
    rules: { 'no-restricted-properties': ['error', ENV_ONLY_IN_ENV_TS] },
  },
  {
    // A leading underscore marks a binding left unused on purpose (a destructured-away field).
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests and Playwright fixtures have functions named use*, which are not React hooks.
    files: ['test/**', 'e2e/**', '**/*.test.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    files: ['*.config.{mjs,ts}'],
    rules: { 'import/no-anonymous-default-export': 'off' },
  },
];
