// Access tokens and the leak-check CLI end to end: an engineer creates a token on the
// account page (shown once, copyable; screenshot in test-results/screenshots/), then runs
// `scripts/leak-check.ts` as a child process against this server on a git repository made
// in a temp dir, in which an inventory value was committed and deleted in a later commit.
// The CLI exits 1, prints the scan's URL and never a candidate; the scan page shows the
// finding with its path, line, commit and author date, and an uncommitted fake AWS key by its
// pattern rule; the token's use is recorded.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { environmentId, insertConnection, insertSecret, insertTeam } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR, ROOT } from './support/state';
import { git } from '../test/support/git';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');

/** The e2e server's fingerprint of a value (lib/values/fingerprint.ts: HMAC-SHA256 under the pepper, key id derived from it). */
function fingerprintUnder(pepper: string, value: string) {
  return {
    fingerprint: createHmac('sha256', pepper).update(value, 'utf8').digest(),
    keyId: createHmac('sha256', pepper).update('value-fingerprint-key-id', 'utf8').digest('hex').slice(0, 16),
  };
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/leak-check.ts'), ...args], {
      cwd: ROOT,
      // Only PATH and what the test gives: no token or server setting leaks in from the runner.
      env: { PATH: process.env.PATH ?? '', ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('an engineer creates an access token, and the CLI finds a value committed and later deleted in a repository', async ({ db, e2e, memberOf }) => {
  test.setTimeout(180_000);
  // A secret whose version the dashboard wrote (its fingerprint under the server's pepper).
  const value = `lk-${randomBytes(18).toString('base64url')}`;
  const team = await insertTeam(db);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db) });
  const connection = await insertConnection(db);
  const { fingerprint, keyId } = fingerprintUnder(e2e.serverEnv.VALUE_FINGERPRINT_PEPPER, value);
  await db.query(
    `INSERT INTO secret_versions (id, secret_id, connection_id, provider_ref, provider_version_id, idempotency_token, source, fingerprint, fingerprint_key_id)
     VALUES (gen_random_uuid(), $1, $2, $3, 'v-1', $4, 'entered', $5, $6)`,
    [secret.id, connection.id, `production/${secret.name}`, randomUUID(), fingerprint, keyId],
  );
  const engineer = await memberOf('engineer', secret.id);
  const page = await (await engineer.browserContext()).newPage();

  // The token, created on the account page and shown once.
  await page.goto('/account');
  const form = page.getByRole('form', { name: 'New access token' });
  await form.getByLabel('Name').fill('e2e laptop');
  await form.getByLabel('Expires after (days)').fill('7');
  // Only reading is ticked to begin with: the leak check is chosen.
  await expect(form.getByRole('checkbox', { name: /Leak check/ })).not.toBeChecked();
  await form.getByRole('checkbox', { name: /Leak check/ }).check();
  await form.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByLabel('New access token “e2e laptop”');
  await expect(shown).toHaveValue(/^sid_/);
  const token = await shown.inputValue();
  await expect(page.getByText('Copy it now: it is shown only once.')).toBeVisible();
  const tokens = page.getByRole('table', { name: 'Your access tokens' });
  await expect(tokens.getByRole('row', { name: /e2e laptop/ })).toContainText('Never');
  await page.screenshot({ path: path.join(SHOTS, 'account-access-tokens.png'), fullPage: true });
  // Shown once: after a reload the page has it nowhere.
  await page.reload();
  await expect(tokens.getByRole('row', { name: /e2e laptop/ })).toBeVisible();
  expect(await page.content()).not.toContain(token);

  // A repository: the value committed in config/app.env, deleted in the next commit.
  const repo = mkdtempSync(path.join(tmpdir(), 'leak-cli-e2e-'));
  const tokenFile = path.join(mkdtempSync(path.join(tmpdir(), 'leak-cli-token-')), 'token');
  try {
    git(repo, ['init', '-q', '-b', 'main']);
    writeFileSync(path.join(repo, 'README.md'), '# demo\n');
    execFileSync('mkdir', ['-p', path.join(repo, 'config')]);
    writeFileSync(path.join(repo, 'config/app.env'), `APP_NAME=demo\nDB_PASSWORD=${value}\n`);
    git(repo, ['add', '.']);
    git(repo, ['commit', '-q', '-m', 'add config'], '2026-03-04T05:06:07Z');
    const leakCommit = git(repo, ['rev-parse', 'HEAD']);
    git(repo, ['rm', '-q', 'config/app.env']);
    git(repo, ['commit', '-q', '-m', 'remove config'], '2026-03-05T05:06:07Z');
    // And in the work tree, not committed: an AWS key pair of the documented shape that no inventory secret holds.
    const awsId = `AKIA${randomBytes(10)
      .toString('hex')
      .toUpperCase()
      .replace(/[^A-Z2-7]/g, 'Q')
      .slice(0, 16)}`;
    const awsSecret = randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40);
    writeFileSync(path.join(repo, 'aws.env'), `AWS_ACCESS_KEY_ID=${awsId}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\n`);
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });

    const run = await runCli([repo, '--server', e2e.baseURL, '--token-file', tokenFile, '--label', 'e2e repo'], {});
    expect(run.code, run.stderr).toBe(1);
    const url = run.stdout.trim();
    expect(url).toMatch(new RegExp(`^${e2e.baseURL}/leaks/[0-9a-f-]{36}$`));
    expect(run.stderr).toMatch(/2 commits, \d+ blobs, .* MB, \d+ candidates sent, [1-9]\d* findings/);
    for (const scanned of [value, awsId, awsSecret]) expect(run.stdout + run.stderr).not.toContain(scanned);
    expect(run.stdout + run.stderr).not.toContain(token);

    // The finding, on the scan page: path, line, commit and author date.
    await page.goto(url);
    const finding = page.getByRole('row', { name: /config\/app\.env/ });
    await expect(finding).toContainText(secret.name);
    await expect(finding).toContainText('config/app.env:2');
    await expect(finding).toContainText(leakCommit.slice(0, 10));
    await expect(finding).toContainText('2026-03-04');
    await expect(finding).not.toContainText(value);
    // The uncommitted AWS key: found by its pattern rule in the work tree (no commit).
    const patternRow = page.getByRole('row').filter({ hasText: 'Unknown credential (pattern)' }).filter({ hasText: 'aws.env' });
    await expect(patternRow.first()).toBeVisible();
    await expect(patternRow.first()).not.toContainText('commit');
    await expect(page.locator('body')).not.toContainText(awsId);
    await page.screenshot({ path: path.join(SHOTS, 'leak-cli-scan.png'), fullPage: true });

    // The token's use is recorded, and the scan's events name the token.
    const { rows: used } = await db.query<{ last_used_at: Date | null; last_used_ip: string | null; id: string }>(
      `SELECT id, last_used_at, last_used_ip FROM api_tokens WHERE user_id = $1`,
      [engineer.user.id],
    );
    expect(used).toHaveLength(1);
    expect(used[0].last_used_at).not.toBeNull();
    expect(used[0].last_used_ip).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    const { rows: events } = await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE actor_id = $1 AND detail->>'tokenId' = $2`, [
      engineer.user.id,
      used[0].id,
    ]);
    expect(events.length).toBeGreaterThan(0);

    // A revoked token is refused: exit 2, saying why.
    await page.goto('/account');
    await tokens.getByRole('button', { name: 'Revoke e2e laptop' }).click();
    await page.getByRole('group', { name: 'Confirm revoking e2e laptop' }).getByRole('button', { name: 'Revoke' }).click();
    await expect(page.getByText('You have no live access tokens.')).toBeVisible();
    const refused = await runCli([repo, '--server', e2e.baseURL], { LEAK_CHECK_TOKEN: token });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/revoked or expired/);
    expect(refused.stdout).toBe('');
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(path.dirname(tokenFile), { recursive: true, force: true });
  }
});
