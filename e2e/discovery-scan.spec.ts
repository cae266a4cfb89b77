// Discovery on a connection's page (issue 15): an administrator starts a scan, the real
// worker lists the AWS emulator's secrets, the page shows the running scan and then its
// summary in the history; the interval form saves. Screenshot to test-results/screenshots.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../test/emulators/aws-secrets-manager';
import { insertConnection, insertTeam, unique } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');
const REGION = 'eu-west-1';

let aws: AwsSecretsManagerEmulator;
test.beforeAll(async () => {
  aws = await startAwsSecretsManagerEmulator();
  aws.seedSecrets(
    REGION,
    Array.from({ length: 150 }, (_, i) => ({ name: `e2e/discovered-${String(i).padStart(3, '0')}`, tags: [{ Key: 'team', Value: 'payments' }] })),
  );
});
test.afterAll(() => aws.close());

test('an administrator scans a connection and sees the scan in its history', async ({ page, db, seedUser, signIn, auditEvents }) => {
  const connection = await insertConnection(db, { kind: 'aws', region: REGION, endpoint: aws.endpoint });
  const admin = await seedUser('admin');
  await signIn(page, admin.email, admin.password);
  await page.goto(`/settings/providers/${connection.id}`);

  const discovery = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Discovery', exact: true }) });
  await expect(discovery.getByText('No scan yet.')).toBeVisible();
  await discovery.getByRole('button', { name: 'Scan now' }).click();
  // The worker runs it; the page re-reads itself while it runs.
  const history = discovery.getByRole('table', { name: 'Discovery scans, newest first' });
  const row = history.getByRole('row').nth(1);
  await expect(row).toContainText('Completed', { timeout: 30_000 });
  await expect(row).toContainText(`By ${admin.email}`);
  // 150 secrets over two pages, all of them unmanaged and new; none gone, none throttled.
  const cells = row.getByRole('cell');
  for (const [column, text] of [
    [4, '2'],
    [5, '150'],
    [6, '150'],
    [7, '150'],
    [8, '0'],
    [9, '0'],
  ] as const)
    await expect(cells.nth(column)).toHaveText(text);
  expect(await auditEvents({ action: 'discovery.scan_start', targetId: connection.id })).toHaveLength(1);
  expect(aws.requests.filter((r) => r === 'GetSecretValue')).toEqual([]);

  const interval = discovery.getByLabel('Scan every (hours)');
  await interval.fill('0');
  await discovery.getByRole('button', { name: 'Save interval' }).click();
  await expect(discovery.getByText(/whole number of hours from 1 to 720/).first()).toBeVisible();
  await interval.fill('24');
  await discovery.getByRole('button', { name: 'Save interval' }).click();
  await expect(discovery.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  const { rows } = await db.query<{ scan_interval_hours: number | null }>('SELECT scan_interval_hours FROM provider_connections WHERE id = $1', [
    connection.id,
  ]);
  expect(rows[0].scan_interval_hours).toBe(24);

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/providers-discovery.png`, fullPage: true });
});

test('what a scan finds, an administrator adopts from the Unmanaged view', async ({ page, db, seedUser, signIn }) => {
  const run = unique('e2e-found');
  const team = await insertTeam(db, run);
  // An emulator of its own: the first test counts exactly what the shared one holds.
  const own = await startAwsSecretsManagerEmulator();
  try {
    own.seedSecrets(
      REGION,
      ['checkout-db', 'ledger-key'].map((name) => ({ name: `${run}/${name}`, tags: [{ Key: 'owner', Value: run }] })),
    );
    const connection = await insertConnection(db, { kind: 'aws', region: REGION, endpoint: own.endpoint });
    const admin = await seedUser('admin');
    await signIn(page, admin.email, admin.password);

    await page.goto(`/settings/providers/${connection.id}`);
    const discovery = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Discovery', exact: true }) });
    await discovery.getByRole('button', { name: 'Scan now' }).click();
    await expect(discovery.getByRole('table', { name: 'Discovery scans, newest first' }).getByRole('row').nth(1)).toContainText('Completed', {
      timeout: 30_000,
    });

    await discovery.getByRole('link', { name: 'Unmanaged secrets of this connection' }).click();
    await page.getByLabel('Name, description or label').fill(run);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByRole('table', { name: 'Unmanaged cloud secrets' }).getByRole('row')).toHaveCount(3);
    await page.getByRole('link', { name: 'Adopt these 2 secrets…' }).click();
    await page.getByLabel('Environment fallback').selectOption({ label: 'production' });
    await page.getByLabel('Classification fallback').selectOption('important');
    await page.getByRole('button', { name: 'Preview all 2 secrets' }).click();
    await expect(page.getByText('Every secret maps to an owner team, an environment and a classification.')).toBeVisible();
    await page.getByRole('button', { name: 'Adopt 2 secrets' }).click();
    await expect(page.getByRole('heading', { name: '2 secrets are in the inventory now' })).toBeVisible();

    const { rows } = await db.query<{ name: string; owner_team_id: string; provider_key: string }>(
      `SELECT name, owner_team_id, provider_key FROM secrets WHERE connection_id = $1 ORDER BY name`,
      [connection.id],
    );
    expect(rows).toEqual([
      { name: `${run}/checkout-db`, owner_team_id: team.id, provider_key: `${run}/checkout-db` },
      { name: `${run}/ledger-key`, owner_team_id: team.id, provider_key: `${run}/ledger-key` },
    ]);
  } finally {
    await own.close();
  }
});
