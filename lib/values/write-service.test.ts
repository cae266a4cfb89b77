// The write service is the one door to a provider's write methods: no module in lib/,
// app/, components/ or scripts/ other than the service and the adapters themselves calls
// them, so every write passes its bounds, reuse rules and labels. A new caller fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const WRITE_METHODS = /\.\s*(writeValue|moveLabel|promote|retire|rollback|setVersionEnabled|setLabels|startNativeRotation)\s*\(/g;
const ALLOWED = [/^lib\/providers\//, /^lib\/values\/write-service\.ts$/];

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sources(rel);
    return /\.(ts|tsx|mts)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [rel] : [];
  });
}

describe('provider writes', () => {
  it('are called only by lib/values/write-service.ts and the adapters', () => {
    const files = ['lib', 'app', 'components', 'scripts'].flatMap(sources);
    expect(files).toContain('lib/values/write-service.ts');
    const offenders = files
      .filter((file) => !ALLOWED.some((allowed) => allowed.test(file)))
      .flatMap((file) => [...readFileSync(path.join(root, file), 'utf8').matchAll(WRITE_METHODS)].map((m) => `${file}: ${m[0]}`));
    expect(offenders).toEqual([]);
  });

  it('the check would catch a direct call (the pattern matches what the old code did)', () => {
    const old = 'await provider.moveLabel(ref, change.label, change.versionId);\nwritten = await provider.writeValue({ ref });';
    expect([...old.matchAll(WRITE_METHODS)].map((m) => m[1])).toEqual(['moveLabel', 'writeValue']);
  });
});
