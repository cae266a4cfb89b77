// The leak check end to end on the production build (issue 16's "done means"): an engineer
// writes a canary value through the Secrets Management tab to an AWS-backed secret (the
// protocol-level emulator), then pastes a log holding it and an unrelated fake AWS key on
// the Leak check page. Both are found: the canary matched to its secret and version, the
// key by its pattern rule; "Mark compromised" opens the incident with the finding attached.
// The canary idea extended: the pasted canary appears in no response body, no URL, no row
// of the database and no line of the server log. And the CLI's calls with an access token.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../test/emulators/aws-secrets-manager';
import { dumpDatabase, placesHolding, recordTraffic } from './support/canary';
import { connectSecret, environmentId, insertConnection, insertSecret, insertTeam, type Db } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR, SERVER_LOG } from './support/state';

let aws: AwsSecretsManagerEmulator;

test.beforeAll(async () => {
  aws = await startAwsSecretsManagerEmulator();
});
test.afterAll(async () => {
  await aws?.close();
});

/** A fake AWS access key pair of the documented shape (AKIA + 16): no real account has it. */
const fakeAwsKey = () => ({
  id: `AKIA${randomBytes(10)
    .toString('hex')
    .toUpperCase()
    .replace(/[^A-Z2-7]/g, 'Q')
    .slice(0, 16)}`,
  secret: randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40),
});

async function awsSecret(db: Db) {
  const connection = await insertConnection(db, { kind: 'aws', region: 'us-east-1', endpoint: aws.endpoint });
  const secret = await insertSecret(db, { ownerTeamId: (await insertTeam(db)).id, environmentId: await environmentId(db) });
  await connectSecret(db, secret.id, connection.id, `production/${secret.name}`);
  return secret;
}

test('a pasted log: the canary is matched to its secret and version, the fake AWS key by its rule; mark compromised opens the incident', async ({
  db,
  e2e,
  memberOf,
}) => {
  const secret = await awsSecret(db);
  const engineer = await memberOf('engineer', secret.id);
  const page = await (await engineer.browserContext()).newPage();

  // The canary, written through the Secrets Management tab to the AWS emulator.
  const canary = `canary-leak-${randomUUID()}`;
  await page.goto(`/inventory/${secret.id}/manage`);
  await page.getByRole('textbox', { name: 'Value', exact: true }).fill(canary);
  await page.getByLabel('Change note').fill('leak-check canary');
  await page.getByRole('button', { name: /write to/i }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Written to' })).toBeVisible();
  expect(aws.storedValues()).toContain(canary);

  // From here on, everything the browser receives is recorded (its own pasted body aside).
  const traffic = recordTraffic(page, { postedBodies: false });
  const key = fakeAwsKey();
  const log = [
    '2026-12-06T10:00:00.120Z INFO  api starting (pid 4242)',
    '2026-12-06T10:00:00.245Z DEBUG config loaded from /etc/api/config.yaml',
    `2026-12-06T10:00:00.246Z DEBUG db connect host=db.internal user=app password=${canary}`,
    `2026-12-06T10:00:00.300Z DEBUG s3 client: aws_access_key_id=${key.id}`,
    `2026-12-06T10:00:00.301Z DEBUG s3 client: aws_secret_access_key=${key.secret}`,
    '2026-12-06T10:00:01.002Z INFO  listening on :8080',
  ].join('\n');
  await page.goto('/leaks');
  await page.getByRole('textbox', { name: 'Text to scan' }).fill(log);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'leak-check-form.png'), fullPage: true });
  await page.getByRole('button', { name: 'Scan for leaked secrets' }).click();
  await expect(page).toHaveURL(/\/leaks\/[0-9a-f-]{36}$/);
  const scanId = page.url().split('/').at(-1)!;

  const findings = page.getByRole('table', { name: 'Findings of this leak check' });
  const canaryRow = findings.getByRole('row').filter({ has: page.getByRole('link', { name: secret.name }) });
  await expect(canaryRow).toHaveCount(1);
  await expect(canaryRow).toContainText('Current value');
  await expect(canaryRow).toContainText('production');
  await expect(canaryRow).toContainText(/version \S+/);
  await expect(canaryRow).toContainText('line 3');
  await expect(canaryRow).toContainText('password=•••• (');
  const patternRow = findings.getByRole('row').filter({ hasText: 'Unknown credential (pattern)' }).filter({ hasText: /aws/i });
  await expect(patternRow.first()).toBeVisible();
  await expect(patternRow.first()).toContainText(/line [45]/);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'leak-check-scan.png'), fullPage: true });

  // The scan list shows it, with its count.
  await page.goto('/leaks');
  await expect(page.getByRole('table', { name: 'Your leak checks, newest first' }).getByRole('link', { name: 'Pasted text' }).first()).toBeVisible();
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'leak-check-list.png'), fullPage: true });

  // One click to the mark-compromised form, the finding attached and the reason prefilled.
  await page.goto(`/leaks/${scanId}`);
  await canaryRow.getByRole('link', { name: 'Mark compromised' }).click();
  await expect(page).toHaveURL(new RegExp(`/inventory/${secret.id}/rotation\\?finding=`));
  await expect(page.getByText('From a leak-check finding')).toBeVisible();
  await expect(page.getByLabel('What happened')).toHaveValue(/A leak check found its current value in Pasted text \(line 3\)/);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'leak-check-mark-compromised.png'), fullPage: true });
  await page.getByRole('button', { name: 'Mark compromised and rotate now' }).click();
  await expect(page).toHaveURL(new RegExp(`/inventory/${secret.id}/incidents/[0-9a-f-]{36}$`));
  const finding = page.getByRole('region', { name: 'Leak-check finding' });
  await expect(finding).toContainText('Current value');
  await expect(finding).toContainText('line 3');
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'leak-check-incident.png'), fullPage: true });
  const incident = await db.query<{ leak_finding_id: string | null }>(`SELECT leak_finding_id FROM incidents WHERE secret_id = $1`, [secret.id]);
  expect(incident.rows).toHaveLength(1);
  expect(incident.rows[0].leak_finding_id).not.toBeNull();
  expect((await db.query(`SELECT status FROM secrets WHERE id = $1`, [secret.id])).rows[0].status).toBe('compromised');

  // The secret's page lists the finding for its team.
  await page.goto(`/inventory/${secret.id}`);
  await expect(page.getByRole('region', { name: /Leak findings/ })).toContainText('Pasted text');
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'leak-check-secret-panel.png'), fullPage: true });

  // Nothing scanned was kept, nor sent back: not the canary, not the fake key.
  const received = await traffic.received();
  const dump = await dumpDatabase(db, e2e);
  const serverLog = readFileSync(SERVER_LOG, 'utf8');
  for (const needle of [canary, key.id, key.secret]) {
    expect(placesHolding(needle, { received, urls: traffic.urls.join('\n'), dump, serverLog })).toEqual([]);
  }
  const audited = await db.query<{ action: string; detail: string }>(
    `SELECT action, detail::text AS detail FROM audit_events WHERE target_id = $1 OR target_id = $2 ORDER BY id`,
    [scanId, secret.id],
  );
  expect(audited.rows.map((r) => r.action)).toEqual(
    expect.arrayContaining(['leak.scan_start', 'secret.leak_found', 'leak.scan_finish', 'secret.mark_compromised']),
  );
});

test('the CLI calls with an access token: start, a batch, finish; a wrong token is refused and audited', async ({ db, e2e, playwright, memberOf }) => {
  const secret = await awsSecret(db);
  const engineer = await memberOf('engineer', secret.id);
  const page = await (await engineer.browserContext()).newPage();
  const value = `canary-cli-${randomUUID()}`;
  await page.goto(`/inventory/${secret.id}/manage`);
  await page.getByRole('textbox', { name: 'Value', exact: true }).fill(value);
  await page.getByLabel('Change note').fill('leak-check cli canary');
  await page.getByRole('button', { name: /write to/i }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Written to' })).toBeVisible();

  const token = `sid_${randomBytes(32).toString('base64url')}`;
  await db.query(
    `INSERT INTO api_tokens (id, user_id, name, token_hash, scopes, expires_at) VALUES (gen_random_uuid(), $1, 'e2e', $2, ARRAY['leak-check'], now() + interval '1 day')`,
    [engineer.user.id, createHash('sha256').update(token).digest()],
  );
  const cli = await playwright.request.newContext({ baseURL: e2e.baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  try {
    const started = await cli.post('/api/leak-check/scans', { data: { kind: 'cli', label: 'acme/api' } });
    expect(started.status()).toBe(201);
    const { scanId } = (await started.json()) as { scanId: string };
    const where = {
      path: 'deploy/.env',
      line: 2,
      commit: 'c0ffee'.padEnd(40, '0'),
      authorDate: '2026-03-04T05:06:07Z',
      preview: 'DB_PASSWORD=•••• (47 chars)',
    };
    const batch = await cli.post(`/api/leak-check/scans/${scanId}/batches`, {
      data: { candidates: [{ text: value, ...where }], patterns: [], progress: { bytes: 4096, files: 12, commits: 30 } },
    });
    expect(await batch.json()).toEqual({ findings: 1 });
    const finished = await cli.post(`/api/leak-check/scans/${scanId}/finish`, { data: { status: 'completed' } });
    expect(await finished.json()).toEqual({ scanId, findings: 1, url: `/leaks/${scanId}` });
    const again = await cli.post(`/api/leak-check/scans/${scanId}/batches`, { data: { candidates: [], patterns: [] } });
    expect(again.status()).toBe(400);

    await page.goto(`/leaks/${scanId}`);
    const row = page
      .getByRole('table', { name: 'Findings of this leak check' })
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: secret.name }) });
    await expect(row).toContainText('deploy/.env:2');
    await expect(row).toContainText('c0ffee0000');

    const wrong = await playwright.request.newContext({
      baseURL: e2e.baseURL,
      extraHTTPHeaders: { authorization: `Bearer sid_${randomBytes(32).toString('base64url')}` },
    });
    const refused = await wrong.post('/api/leak-check/scans', { data: { kind: 'cli', label: 'x' } });
    expect(refused.status()).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'unauthenticated' });
    await wrong.dispose();
    // Signed-out denials are one event per address and minute, then counted (lib/audit/signed-out-denials.ts):
    // this one is the event, or counted under this minute's row, or in the summary the worker wrote of it.
    const denial = await db.query(
      `SELECT 1 FROM audit_events WHERE action = 'leak.scan_start' AND outcome = 'denied' AND actor_id IS NULL
       UNION ALL SELECT 1 FROM signed_out_denials WHERE 'leak.scan_start' = ANY (actions)
       UNION ALL SELECT 1 FROM audit_events WHERE action = 'auth.signed_out_denials' AND detail->>'actions' LIKE '%leak.scan_start%'`,
    );
    expect(denial.rowCount).toBeGreaterThan(0);
  } finally {
    await cli.dispose();
  }
  expect(readFileSync(SERVER_LOG, 'utf8')).not.toContain(value);
});
