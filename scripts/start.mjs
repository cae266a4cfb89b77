// `npm start`: one command from a fresh clone to a running dashboard.
//   - uses DATABASE_URL if set, otherwise an embedded PostgreSQL under ./.data/
//   - applies pending migrations
//   - builds the app when the build is missing or older than the sources
//   - serves on http://localhost:$PORT (default 3000)
// `npm run dev` (--dev) does the same with `next dev` instead of a build.
// --prebuilt (the Docker image) never builds: the image was built at `docker build`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nextEnv from '@next/env';
import { startEmbeddedPostgres } from './lib/embedded-db.mjs';
import { applyMigrations } from './lib/schema-engine.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dev = process.argv.includes('--dev');
const prebuilt = process.argv.includes('--prebuilt');
process.chdir(root);
nextEnv.loadEnvConfig(root, dev);

const port = Number(process.env.PORT ?? 3000);
const dataDir = path.join(root, '.data');

/** A random value kept in .data/<file> (mode 0600), created on first start. */
function persistentSecret(file) {
  const full = path.join(dataDir, file);
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(full)) writeFileSync(full, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(full, 'utf8').trim();
}

let embedded;
if (!process.env.DATABASE_URL) {
  console.log('DATABASE_URL is not set: starting the embedded PostgreSQL (data in ./.data/postgres)');
  embedded = await startEmbeddedPostgres();
  process.env.DATABASE_URL = embedded.url;
}
process.env.NEXTAUTH_SECRET ??= persistentSecret('nextauth-secret');
process.env.VALUE_FINGERPRINT_PEPPER ??= persistentSecret('fingerprint-pepper');
process.env.LOCAL_PROVIDER_KEY ??= persistentSecret('local-provider-key');
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;

const applied = await applyMigrations(process.env.DATABASE_URL);
console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date');

const SOURCES = ['app', 'components', 'lib', 'generated', 'proxy.ts', 'instrumentation.ts', 'next.config.ts', 'package-lock.json'];
function newestSourceTime() {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const entry of readdirSync(p)) visit(path.join(p, entry));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const source of SOURCES) visit(path.join(root, source));
  return newest;
}

const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
if (!dev && !prebuilt) {
  const buildId = path.join(root, '.next/BUILD_ID');
  if (!existsSync(buildId) || statSync(buildId).mtimeMs < newestSourceTime()) {
    console.log('Building the dashboard (first start or sources changed)…');
    const build = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env: process.env });
    if (build.status !== 0) {
      await embedded?.stop();
      process.exit(build.status ?? 1);
    }
  }
}

const server = spawn(process.execPath, [nextBin, dev ? 'dev' : 'start', '-p', String(port)], {
  stdio: 'inherit',
  env: process.env,
});
console.log(`\n  Dashboard: ${process.env.NEXTAUTH_URL}\n  Health:    ${process.env.NEXTAUTH_URL}/api/health\n`);

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  await embedded?.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
server.on('exit', (code) => shutdown(code ?? 0));
