// A git repository as scan units: every blob of every commit once (by blob id), located at
// the first commit that introduced it (path, author date), and for a repository with a work
// tree its modified and untracked files. Runs the `git` binary (spawn, no shell) with a
// safe environment: no prompts, no system or user configuration, no hooks, no fsmonitor.
// Pure apart from git and the file system: the CLI runs it on the machine it scans, the
// server on a cloned bundle (cloneBundle).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { lstat, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { rawPath } from '@/lib/env';
import { InputError } from '@/lib/errors';
import type { ScanUnit } from '@/lib/leak/types';

/** Largest blob or file read; larger ones are skipped (counted). */
export const MAX_BLOB_BYTES = 20 * 1024 * 1024;
/** A NUL byte in this many first bytes marks a binary, skipped (counted). */
export const BINARY_SNIFF_BYTES = 8 * 1024;

export type SkipReason = 'large' | 'binary';

export type GitHistoryOptions = {
  /** Commits walked so far (called as the history is read). */
  onCommit?(n: number): void;
  /** A blob or file left unscanned, and why. */
  onSkip?(reason: SkipReason, path: string): void;
  /** Only the history, not the work tree's changes. */
  historyOnly?: boolean;
};

const EMPTY_ID = /^0+$/;
const SAFE_CONFIG = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.quotePath=false', '--no-replace-objects'];

export function isBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

type Git = { run(args: string[], options?: { cwd?: string; extraEnv?: Record<string, string> }): ReturnType<typeof spawn>; close(): Promise<void> };

/** A git runner with an empty temporary HOME (removed by close). */
async function safeGit(): Promise<Git> {
  const home = await mkdtemp(path.join(tmpdir(), 'leak-git-home-'));
  const env: Record<string, string> = {
    PATH: rawPath() ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ASKPASS: 'true',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
  };
  return {
    run: (args, options = {}) =>
      spawn('git', [...SAFE_CONFIG, ...args], {
        cwd: options.cwd,
        env: { ...env, ...options.extraEnv } as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
      }),
    close: () => rm(home, { recursive: true, force: true }),
  };
}

/** Runs git to completion; its stdout, or an InputError in our words when it fails. */
async function output(git: Git, args: string[], failure: string, options: { cwd?: string; extraEnv?: Record<string, string> } = {}): Promise<Buffer> {
  const child = git.run(args, options);
  child.stdin?.end();
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.resume();
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new InputError(failure);
  return Buffer.concat(chunks);
}

/** Reads lines and byte counts from a stream, in order. */
class StreamReader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly chunks: AsyncIterator<Buffer>;
  private ended = false;

  constructor(stream: Readable) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffered = this.buffered.length === 0 ? next.value : Buffer.concat([this.buffered, next.value]);
    return true;
  }

  /** The bytes up to (not including) the next `delimiter`, or null at the end. */
  async until(delimiter: number): Promise<Buffer | null> {
    let from = 0;
    for (;;) {
      const at = this.buffered.indexOf(delimiter, from);
      if (at !== -1) {
        const part = this.buffered.subarray(0, at);
        this.buffered = this.buffered.subarray(at + 1);
        return part;
      }
      from = this.buffered.length;
      if (!(await this.more())) {
        if (this.buffered.length === 0) return null;
        const rest = this.buffered;
        this.buffered = Buffer.alloc(0);
        return rest;
      }
    }
  }

  /** Exactly n bytes (kept when keep, else skipped without holding them). */
  async bytes(n: number, keep: boolean): Promise<Buffer | null> {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      if (this.buffered.length === 0 && !(await this.more())) throw new Error('git cat-file ended early');
      const take = Math.min(left, this.buffered.length);
      if (keep) parts.push(this.buffered.subarray(0, take));
      this.buffered = this.buffered.subarray(take);
      left -= take;
    }
    return keep ? Buffer.concat(parts) : null;
  }
}

type BlobPlace = { id: string; path: string; commit: string; authorDate: Date };

/** Every blob id of the history with the first commit (oldest first) that introduced it. */
async function historyBlobs(git: Git, cwd: string, options: GitHistoryOptions): Promise<BlobPlace[]> {
  const child = git.run(
    ['log', '--all', '--reverse', '--format=%x01%H %aI', '--raw', '--no-abbrev', '--no-renames', '--no-ext-diff', '--no-textconv', '-m', '--root', '-z'],
    { cwd },
  );
  child.stdin?.end();
  child.stderr?.resume();
  const closed = once(child, 'close');
  const reader = new StreamReader(child.stdout!);
  const seen = new Set<string>();
  const blobs: BlobPlace[] = [];
  let commit = '';
  let authorDate = new Date(0);
  let commits = 0;
  // After a raw entry comes its path: the blob to record there, or null for none.
  let expectPath = false;
  let pendingBlob: string | null = null;
  for (;;) {
    const token = await reader.until(0);
    if (token === null) break;
    let text = token.toString('utf8');
    if (expectPath) {
      if (pendingBlob !== null && !seen.has(pendingBlob)) {
        seen.add(pendingBlob);
        blobs.push({ id: pendingBlob, path: text, commit, authorDate });
      }
      expectPath = false;
      continue;
    }
    text = text.replace(/^\n+/, '');
    if (text.startsWith('\u0001')) {
      const space = text.indexOf(' ');
      const sha = text.slice(1, space);
      if (sha !== commit) {
        commits++;
        options.onCommit?.(commits);
      }
      commit = sha;
      authorDate = new Date(text.slice(space + 1));
      continue;
    }
    if (text.startsWith(':')) {
      // :old-mode new-mode old-id new-id status
      const [, newMode, , newId] = text.slice(1).split(' ');
      // Regular files only: not deletions, submodules (160000) or symbolic links (120000).
      pendingBlob = (newMode === '100644' || newMode === '100755') && newId && !EMPTY_ID.test(newId) ? newId : null;
      expectPath = true;
    }
  }
  const [code] = (await closed) as [number | null];
  // An empty repository (no commits) has no history: git log fails on it, which is no error here.
  if (code !== 0 && commits > 0) throw new InputError('git could not read the history of the repository.');
  return blobs;
}

function decode(bytes: Buffer): string {
  return bytes.toString('utf8');
}

/** The work tree's modified, added and untracked (not ignored) files, relative to its top. */
async function changedFiles(git: Git, top: string): Promise<string[]> {
  const status = await output(git, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], 'git could not read the work tree.', {
    cwd: top,
  });
  const files: string[] = [];
  for (const entry of status.toString('utf8').split('\0')) {
    if (entry.length < 4) continue;
    const code = entry.slice(0, 2);
    if (code.includes('D')) continue;
    files.push(entry.slice(3));
  }
  return files;
}

/**
 * Every blob of every commit of the repository at repoDir once, then (for a repository with
 * a work tree) its modified and untracked files (commit null). Blobs larger than
 * MAX_BLOB_BYTES and binaries are skipped and reported to onSkip.
 */
export async function* gitHistoryUnits(repoDir: string, opts: GitHistoryOptions = {}): AsyncIterable<ScanUnit> {
  const git = await safeGit();
  try {
    const bare = (await output(git, ['rev-parse', '--is-bare-repository'], 'This is not a git repository.', { cwd: repoDir })).toString().trim() === 'true';
    const top = bare ? repoDir : (await output(git, ['rev-parse', '--show-toplevel'], 'This is not a git repository.', { cwd: repoDir })).toString().trim();
    const blobs = await historyBlobs(git, top, opts);
    if (blobs.length > 0) {
      const cat = git.run(['cat-file', '--batch'], { cwd: top });
      cat.stderr?.resume();
      const closed = once(cat, 'close');
      // Requests go in as fast as the pipe takes them; answers are read in the same order.
      const requests = blobs.map((b) => `${b.id}\n`).join('');
      cat.stdin!.on('error', () => {});
      cat.stdin!.end(requests);
      const reader = new StreamReader(cat.stdout!);
      try {
        for (const blob of blobs) {
          const header = await reader.until(10);
          if (header === null) throw new InputError('git could not read the objects of the repository.');
          const [, type, sizeText] = header.toString('utf8').split(' ');
          if (type === undefined || sizeText === undefined) continue; // "<id> missing"
          const size = Number(sizeText);
          const keep = size <= MAX_BLOB_BYTES;
          const bytes = await reader.bytes(size + 1, keep);
          if (!keep || bytes === null) {
            opts.onSkip?.('large', blob.path);
            continue;
          }
          const content = bytes.subarray(0, size);
          if (isBinary(content)) {
            opts.onSkip?.('binary', blob.path);
            continue;
          }
          yield { text: decode(content), location: { path: blob.path, commit: blob.commit, authorDate: blob.authorDate } };
        }
      } finally {
        if (cat.exitCode === null) cat.kill();
        await closed;
      }
    }
    if (bare || opts.historyOnly) return;
    for (const file of await changedFiles(git, top)) {
      const full = path.join(top, file);
      const info = await lstat(full).catch(() => null);
      if (!info?.isFile()) continue;
      if (info.size > MAX_BLOB_BYTES) {
        opts.onSkip?.('large', file);
        continue;
      }
      const content = await readFile(full);
      if (isBinary(content)) {
        opts.onSkip?.('binary', file);
        continue;
      }
      yield { text: decode(content), location: { path: file, commit: null, authorDate: null } };
    }
  } finally {
    await git.close();
  }
}

/** Whether the bytes start like a git bundle (`# v2 git bundle` or v3). */
export function isGitBundle(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 16)).toString('latin1');
  return head === '# v2 git bundle\n' || head === '# v3 git bundle\n';
}

/** Clones a bundle file into intoDir (a bare mirror) for gitHistoryUnits; InputError when it is no readable bundle. */
export async function cloneBundle(bundleFile: string, intoDir: string): Promise<void> {
  const git = await safeGit();
  try {
    await output(git, ['clone', '--mirror', '--quiet', '--', bundleFile, intoDir], 'The file is not a readable git bundle.', {
      extraEnv: { GIT_ALLOW_PROTOCOL: 'file' },
    });
  } finally {
    await git.close();
  }
}
