// Discovery through the real pages, as an administrator: the Unmanaged view lists what a
// scan found and no inventory entry references, filters by label, ignores one cloud secret
// with a reason (and takes it back), then adopts a batch with mapping rules: a preview
// that names the unknown team and adopts nothing, then a preview that maps every row and
// an adoption that puts them in the inventory. An engineer is told the page is an
// administrator's.
import { insertConnection, insertDiscovered, insertTeam, snapshotTables, unique } from './support/db';
import { expect, test } from './support/fixtures';

test('an administrator ignores one unmanaged cloud secret and adopts the rest with mapping rules', async ({ db, signedInContext }) => {
  const run = unique('e2e-disc');
  const team = await insertTeam(db, `${run} Payments`);
  const connection = await insertConnection(db, { kind: 'aws', region: 'eu-west-1' });
  await insertDiscovered(db, connection.id, [
    { providerKey: `${run}/checkout-db`, labels: { env: 'production', owner: `${run}_payments` } },
    { providerKey: `${run}/ledger-key`, labels: { env: 'staging', owner: `${run}_payments` } },
    { providerKey: `${run}/stray`, labels: { env: 'production', owner: 'nobody' } },
    { providerKey: `${run}/old-experiment` },
  ]);
  const admin = await signedInContext('admin');
  const page = await (await admin.browserContext()).newPage();

  await page.goto(`/discovery?q=${encodeURIComponent(run)}`);
  await expect(page.getByRole('heading', { name: 'Discovery', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Unmanaged cloud secrets' });
  await expect(table.getByRole('row')).toHaveCount(5); // header + 4
  await expect(page.getByRole('listitem').filter({ hasText: connection.name }).first()).toBeVisible();

  // A label filter: key and value.
  await page.getByLabel('Tag or label').fill('env:staging');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText(`${run}/ledger-key`);
  await page.screenshot({ path: test.info().outputPath('discovery-unmanaged.png'), fullPage: true });

  // Ignore the experiment with a reason; it leaves the view and shows under Ignored.
  await page.goto(`/discovery?q=${encodeURIComponent(run)}`);
  await page.getByRole('button', { name: `Ignore ${run}/old-experiment` }).click();
  await page.getByLabel(`Why is ${run}/old-experiment not managed here?`).fill('A test account we delete next week');
  await page.getByRole('button', { name: 'Ignore', exact: true }).click();
  await expect(table.getByRole('row')).toHaveCount(4);
  await page.goto(`/discovery?q=${encodeURIComponent(run)}&state=ignored`);
  await expect(table).toContainText('A test account we delete next week');

  // Adopt the other three: the unknown owner "nobody" stops the batch, and nothing is written.
  await page.goto(`/discovery?q=${encodeURIComponent(run)}`);
  await page.getByRole('link', { name: 'Adopt these 3 secrets…' }).click();
  await expect(page.getByRole('heading', { name: 'Adopt 3 cloud secrets' })).toBeVisible();
  await page.getByLabel('Environment from tag or label').fill('env');
  await page.getByLabel('Classification fallback').selectOption('important');
  const before = await snapshotTables(db, ['secrets', 'secret_consumers']);
  await page.getByRole('button', { name: 'Preview all 3 secrets' }).click();
  await expect(page.getByRole('heading', { name: '2. Check the preview' })).toBeFocused();
  const preview = page.getByRole('table', { name: 'Each cloud secret and the inventory entry it becomes' });
  await expect(preview).toContainText('Team "nobody" (tag or label "owner") is not a team here');
  await expect(page.getByRole('button', { name: 'Adopt 3 secrets' })).toBeDisabled();

  // A name pattern sends the stray one to Payments as well: every row maps.
  await page.getByLabel('Name patterns').fill(`${run}/stray => team=${run} Payments`);
  await page.getByRole('button', { name: 'Preview all 3 secrets' }).click();
  await page.getByLabel('Show only secrets with errors').uncheck();
  await expect(preview.getByRole('row').filter({ hasText: `${run}/stray` })).toContainText('from name pattern on line 1');
  await expect(preview.getByRole('row').filter({ hasText: `${run}/ledger-key` })).toContainText('staging');
  await page.screenshot({ path: test.info().outputPath('discovery-adopt-preview.png'), fullPage: true });
  expect(await snapshotTables(db, ['secrets', 'secret_consumers'])).toEqual(before);
  await page.getByRole('button', { name: 'Adopt 3 secrets' }).click();
  await expect(page.getByRole('heading', { name: '3 secrets are in the inventory now' })).toBeVisible();

  const { rows } = await db.query<{ name: string; environment: string; classification: string; owner_team_id: string }>(
    `SELECT s.name, e.name AS environment, s.classification, s.owner_team_id FROM secrets s JOIN environments e ON e.id = s.environment_id
     WHERE s.connection_id = $1 ORDER BY s.name`,
    [connection.id],
  );
  expect(rows).toEqual([
    { name: `${run}/checkout-db`, environment: 'production', classification: 'important', owner_team_id: team.id },
    { name: `${run}/ledger-key`, environment: 'staging', classification: 'important', owner_team_id: team.id },
    { name: `${run}/stray`, environment: 'production', classification: 'important', owner_team_id: team.id },
  ]);

  // The view is empty of them now (the ignored one stays ignored).
  await page.goto(`/discovery?q=${encodeURIComponent(run)}`);
  await expect(page.getByText('No unmanaged secrets match these filters')).toBeVisible();
});

test('an engineer is told Discovery is for administrators', async ({ signedInContext }) => {
  const engineer = await signedInContext('engineer');
  const page = await (await engineer.browserContext()).newPage();
  await page.goto('/discovery');
  await expect(page.getByText('Only administrators see the cloud secrets nobody has inventoried yet.')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Discovery' })).toHaveCount(0);
});
