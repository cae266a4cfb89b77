// A git command in a test repository: no system or user configuration (HOME is the repo),
// a fixed author, and an optional author/committer date so history is reproducible.
import { execFileSync } from 'node:child_process';

export function git(cwd: string, args: string[], date?: string): string {
  const env = {
    ...process.env,
    HOME: cwd,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.test',
    GIT_COMMITTER_NAME: 'Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.test',
    ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
  };
  return execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
}
