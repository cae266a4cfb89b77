// Tests that run the production server need the build in .next: the one `npm test` or a
// developer made, when it is newer than every source (scripts/lib/next-build.mjs); else it
// is built here (minutes on a small machine). scripts/test.mjs then reuses it for the
// browser tests instead of building again.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildIsCurrent } from '../../scripts/lib/next-build.mjs';
import { appRoot } from './app-process';

export function ensureBuild(): void {
  if (buildIsCurrent(appRoot)) return;
  const next = path.join(appRoot, 'node_modules/next/dist/bin/next');
  const build = spawnSync(process.execPath, [next, 'build'], {
    cwd: appRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
}
