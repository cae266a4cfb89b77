// Generates the Prisma client into generated/prisma. The Prisma CLI wants to download
// its native schema engine first, which fails offline; `generate` never runs that
// engine, so any executable stands in for it.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
let cli;
try {
  cli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build/index.js');
} catch {
  // Production installs (npm ci --omit=dev) have no CLI; the Docker image generates at build.
  console.log('prisma CLI not installed: skipping client generation');
  process.exit(0);
}
execFileSync(process.execPath, [cli, 'generate'], {
  stdio: 'inherit',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
});
