// A real repository made in a temporary directory: every blob of the history once, found
// at the commit that introduced it (a value committed and deleted later is still found),
// binaries and big blobs skipped, the work tree's changes, bundles cloned and recognised.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cloneBundle, gitHistoryUnits, isGitBundle, type SkipReason } from '@/lib/leak/git-history';
import { extractCandidates } from '@/lib/leak/candidates';
import type { ScanUnit } from '@/lib/leak/types';
import { git } from '@/test/support/git';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'leak-git-test-'));
  dirs.push(dir);
  return dir;
};

const LEAKED = 'Deleted-Later-9d2f7c1a';

function makeRepo() {
  const dir = tempDir();
  git(dir, ['init', '-q', '-b', 'main', '.']);
  writeFileSync(path.join(dir, 'config.env'), `APP=demo\nDB_PASSWORD=${LEAKED}\n`);
  writeFileSync(path.join(dir, 'README.md'), '# demo\n');
  git(dir, ['add', '.']);
  git(dir, ['commit', '-q', '-m', 'add config'], '2026-03-04T05:06:07Z');
  const first = git(dir, ['rev-parse', 'HEAD']);
  writeFileSync(path.join(dir, 'config.env'), 'APP=demo\nDB_PASSWORD=from-the-vault\n');
  writeFileSync(path.join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3]));
  git(dir, ['add', '.']);
  git(dir, ['commit', '-q', '-m', 'remove the password'], '2026-03-05T00:00:00Z');
  // A side branch and a merge: blobs are still read once.
  git(dir, ['checkout', '-q', '-b', 'side']);
  writeFileSync(path.join(dir, 'side.txt'), 'side branch file\n');
  git(dir, ['add', '.']);
  git(dir, ['commit', '-q', '-m', 'side'], '2026-03-06T00:00:00Z');
  git(dir, ['checkout', '-q', 'main']);
  writeFileSync(path.join(dir, 'README.md'), '# demo\nmore\n');
  git(dir, ['commit', '-q', '-am', 'readme'], '2026-03-07T00:00:00Z');
  git(dir, ['merge', '-q', '--no-edit', 'side'], '2026-03-08T00:00:00Z');
  return { dir, first };
}

async function collect(repoDir: string, options: Parameters<typeof gitHistoryUnits>[1] = {}) {
  const units: ScanUnit[] = [];
  for await (const unit of gitHistoryUnits(repoDir, options)) units.push(unit);
  return units;
}

describe('gitHistoryUnits', () => {
  it('finds a value committed and deleted later at the commit that introduced it, with path, line and author date', async () => {
    const { dir, first } = makeRepo();
    const commits: number[] = [];
    const skipped: [SkipReason, string][] = [];
    const units = await collect(dir, { onCommit: (n) => commits.push(n), onSkip: (reason, p) => skipped.push([reason, p]) });
    const leaked = units.flatMap((u) => extractCandidates(u)).filter((c) => c.text === LEAKED);
    expect(leaked.map((c) => c.location)).toEqual([{ path: 'config.env', line: 2, commit: first, authorDate: new Date('2026-03-04T05:06:07Z') }]);
    // Every blob once: two config.env versions, two README versions, side.txt; the merge adds none.
    expect(units.map((u) => u.location.path).sort()).toEqual(['README.md', 'README.md', 'config.env', 'config.env', 'side.txt']);
    expect(skipped).toEqual([['binary', 'logo.png']]);
    expect(commits.at(-1)).toBe(5);
  });

  it('adds the work tree: modified and untracked files, not ignored ones', async () => {
    const { dir } = makeRepo();
    writeFileSync(path.join(dir, '.gitignore'), 'ignored.txt\n');
    writeFileSync(path.join(dir, 'ignored.txt'), 'ignored-secret-value\n');
    writeFileSync(path.join(dir, 'new.txt'), 'untracked-secret-value\n');
    writeFileSync(path.join(dir, 'README.md'), '# demo\nmodified-secret-value\n');
    const worktree = (await collect(dir)).filter((u) => u.location.commit === null);
    expect(worktree.map((u) => u.location.path).sort()).toEqual(['.gitignore', 'README.md', 'new.txt']);
    expect(worktree.find((u) => u.location.path === 'new.txt')).toEqual({
      text: 'untracked-secret-value\n',
      location: { path: 'new.txt', commit: null, authorDate: null },
    });
    expect((await collect(dir, { historyOnly: true })).every((u) => u.location.commit !== null)).toBe(true);
  });

  it('reads a bare mirror cloned from a bundle, and recognises bundles by their header', async () => {
    const { dir, first } = makeRepo();
    const bundle = path.join(tempDir(), 'repo.bundle');
    git(dir, ['bundle', 'create', '-q', bundle, '--all']);
    expect(isGitBundle(readFileSync(bundle))).toBe(true);
    expect(isGitBundle(Buffer.from('PK\u0003\u0004 not a bundle'))).toBe(false);
    const mirror = path.join(tempDir(), 'mirror.git');
    await cloneBundle(bundle, mirror);
    const units = await collect(mirror);
    expect(units.every((u) => u.location.commit !== null)).toBe(true);
    const leaked = units.flatMap((u) => extractCandidates(u)).filter((c) => c.text === LEAKED);
    expect(leaked.map((c) => [c.location.commit, c.location.line])).toEqual([[first, 2]]);
  });

  it('refuses what is not a repository or a bundle, in its own words', async () => {
    const notRepo = tempDir();
    await expect(collect(notRepo)).rejects.toThrow('This is not a git repository.');
    const fake = path.join(notRepo, 'fake.bundle');
    writeFileSync(fake, '# v2 git bundle\ngarbage\n');
    await expect(cloneBundle(fake, path.join(notRepo, 'out.git'))).rejects.toThrow('The file is not a readable git bundle.');
  });

  it('reads an empty repository as nothing', async () => {
    const dir = tempDir();
    git(dir, ['init', '-q', '.']);
    expect(await collect(dir)).toEqual([]);
  });
});
