// `npm run leak-check -- <path-or-bare-repo> [--server URL] [--token-file FILE] [--label TEXT]`:
// scans a git repository on this machine (every blob of every commit once, plus the work
// tree's uncommitted files) and sends candidate strings, never whole files, to the
// dashboard, which matches them against the fingerprints of every inventory value. The
// token comes from --token-file or LEAK_CHECK_TOKEN; http:// is accepted for loopback only.
// Progress goes to stderr, the scan's URL to stdout. Exit 0: no findings, 1: findings,
// 2: the scan could not be done. No candidate is ever printed.
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../lib/errors';
import { extractCandidates } from '../lib/leak/candidates';
import { gitHistoryUnits } from '../lib/leak/git-history';
import { patternHits } from '../lib/leak/patterns';
import { LeakCheckError, parseCli, runLeakCheck, USAGE, UsageError } from './lib/leak-check-client';

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parseCli(process.argv.slice(2), process.env.LEAK_CHECK_TOKEN, (file) => readFileSync(file, 'utf8'));
  try {
    if (!statSync(options.target).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`${options.target} is not a directory (give a git work tree or a bare repository).`);
  }
  let commits = 0;
  const result = await runLeakCheck({
    options,
    units: gitHistoryUnits(options.target, { onCommit: (n: number) => (commits = n) }),
    extract: extractCandidates,
    patterns: patternHits,
    commitsSoFar: () => commits,
    say,
  });
  say(`leak-check: ${result.findings} ${result.findings === 1 ? 'finding' : 'findings'}`);
  process.stdout.write(`${result.url}\n`);
  return result.findings > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof LeakCheckError || error instanceof InputError) say(`leak-check: ${error.message}`);
    // Our own words only: another error's message could quote what was being read.
    else say(`leak-check: the scan failed (${error instanceof Error ? error.name : 'unknown error'}).`);
    process.exit(2);
  },
);
