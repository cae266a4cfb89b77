// Whether the production build (.next) is there and newer than every source it is built
// from: npm start and npm run soak build when it is not.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SOURCES = ['app', 'components', 'lib', 'generated', 'proxy.ts', 'instrumentation.ts', 'next.config.mjs', 'package-lock.json'];

function newestSourceTime(root) {
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

export function buildIsCurrent(root) {
  const buildId = path.join(root, '.next/BUILD_ID');
  return existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceTime(root);
}
