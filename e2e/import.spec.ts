// CSV import and export through the real pages, as an engineer: a file with a bad row
// is previewed with the row's line and error and cannot be imported; a good file that
// names a new team and two systems written "a, b" (the preview shows them split) is
// imported after confirming them, shows in the inventory and the audit trail; the list's
// Export CSV downloads what the list shows.
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { EXPORT_HEADER } from '../lib/export/csv/inventory-columns';
import { snapshotTables, unique } from './support/db';
import { expect, test } from './support/fixtures';

const HEADER = ['Secret Name', 'Environment', 'Owner', 'Consuming Systems', 'Classification', 'Last Rotated', 'Rotation Interval (days)', 'Tags'];
const csv = (rows: string[][]) => `${[HEADER, ...rows].map((r) => r.join(',')).join('\r\n')}\r\n`;

async function choose(page: Page, name: string, text: string) {
  await page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(page.getByRole('heading', { name: '2. Check the preview' })).toBeVisible();
}

const previewTable = (page: Page) => page.getByRole('table', { name: 'Rows in the file and what import will do with each' });

test('an engineer previews a file with a bad row (nothing imported), then imports a good one and exports it', async ({
  db,
  signedInContext,
  auditEvents,
  auditMark,
}) => {
  const engineer = await signedInContext('engineer');
  const page = await (await engineer.browserContext()).newPage();
  const run = unique('e2e-imp'); // every name in this test starts with it
  const team = `${run}-team`;
  const system = `${run}-system`;
  const webApi = `${run}-web-api`; // listed beside `system` as "a, b", the way spreadsheets write lists
  const tables = ['secrets', 'secret_consumers', 'teams', 'systems'];

  // 1. A bad classification on line 3: shown with its line, import disabled, nothing written.
  const before = await snapshotTables(db, tables);
  await page.goto('/inventory/import');
  await choose(
    page,
    'bad.csv',
    csv([
      [`${run}-fine`, 'production', team, system, 'critical', '', '', ''],
      [`${run}-bad`, 'production', team, system, 'top-secret', '', '', ''],
    ]),
  );
  await expect(page.getByText('1 row has errors.')).toBeVisible();
  const badRow = previewTable(page)
    .getByRole('row')
    .filter({ hasText: `${run}-bad` });
  await expect(badRow.getByRole('cell').first()).toHaveText('3');
  await expect(badRow).toContainText('Classification: Use one of: critical, important, sensitive');
  await expect(
    previewTable(page)
      .getByRole('row')
      .filter({ hasText: `${run}-fine` }),
  ).toHaveCount(0); // errors only, by default
  await expect(page.getByRole('button', { name: /^Import \d+ secrets?$/ })).toBeDisabled();
  await expect(page.getByText('Fix the rows with errors first.')).toBeVisible();
  expect(await snapshotTables(db, tables), 'a preview wrote to the database').toEqual(before);

  // 2. A good file with a new team and two new systems in one cell: the preview shows the
  // cell split into its two systems; confirm them, import, see the summary.
  const names = [`${run}-payments-db`, `${run}-webhook-key`];
  const mark = await auditMark();
  await choose(
    page,
    'good.csv',
    csv([
      [names[0], 'production', team, `"${system}, ${webApi}"`, 'Critical', '2026-01-15', '90', 'pci; e2e'],
      [names[1], 'staging', team, '', 'important', '', '', ''],
    ]),
  );
  await expect(page.getByText('Every row is valid and ready to import.')).toBeVisible();
  await expect(page.getByText(team, { exact: true })).toBeVisible();
  await expect(page.getByText('New systems (2)')).toBeVisible();
  const rowSystems = previewTable(page).getByRole('row').filter({ hasText: names[0] }).getByRole('list', { name: '2 systems' });
  await expect(rowSystems.getByRole('listitem')).toHaveText([system, webApi]);
  await expect(previewTable(page).getByRole('row').filter({ hasText: names[1] })).toContainText('None');
  const importButton = page.getByRole('button', { name: 'Import 2 secrets' });
  await expect(importButton).toBeDisabled(); // until the new names are confirmed
  await page.getByLabel('Also create 1 new team and 2 new systems listed above').check();
  await expect(importButton).toBeEnabled();
  await importButton.click();
  await expect(page.getByRole('heading', { name: 'Import complete' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('Imported 2 secrets and created 1 team and 2 systems.')).toBeVisible();

  // The database: both secrets under the new team, the first used by both new systems.
  const { rows } = await db.query(
    `SELECT s.id, s.name, s.classification, e.name AS environment, t.name AS team,
            array(SELECT sy.name FROM secret_consumers c JOIN systems sy ON sy.id = c.system_id WHERE c.secret_id = s.id ORDER BY sy.name) AS consumers
       FROM secrets s JOIN environments e ON e.id = s.environment_id JOIN teams t ON t.id = s.owner_team_id
      WHERE s.name LIKE $1 ORDER BY s.name`,
    [`${run}-%`],
  );
  expect(rows.map(({ id: _id, ...r }) => r)).toEqual([
    { name: names[0], classification: 'critical', environment: 'production', team, consumers: [system, webApi] },
    { name: names[1], classification: 'important', environment: 'staging', team, consumers: [] },
  ]);

  // The audit trail: one import event, and a create event for every row written.
  const events = await auditEvents({ afterId: mark, actorId: engineer.user.id });
  expect(events.filter((e) => e.action === 'inventory.import')).toMatchObject([
    { outcome: 'success', detail: { fileRows: 2, created: 2, teamsCreated: 1, systemsCreated: 2 } },
  ]);
  const created = events.filter((e) => e.action === 'secret.create');
  expect(created.map((e) => e.targetId).sort()).toEqual(rows.map((r) => r.id).sort());
  expect(created.every((e) => e.outcome === 'success' && e.detail?.via === 'inventory.import')).toBe(true);
  expect(events.filter((e) => e.action === 'team.create')).toHaveLength(1);
  expect(events.filter((e) => e.action === 'system.create')).toHaveLength(2);
  const { rows: commaNamed } = await db.query(`SELECT name FROM systems WHERE name LIKE $1 AND name ~ '[,;]'`, [`${run}-%`]);
  expect(commaNamed, 'a system was named after a whole list cell').toEqual([]);

  // 3. The inventory shows them; Export CSV downloads the same view.
  await page.getByRole('link', { name: 'Go to the inventory' }).click();
  await expect(page).toHaveURL(/\/inventory$/);
  await page.goto(`/inventory?q=${run}`);
  const list = page.getByRole('table', { name: 'Secrets in this view' });
  for (const name of names) await expect(list.getByRole('link', { name })).toBeVisible();
  await expect(list.locator('tbody tr')).toHaveCount(2);

  const exportMark = await auditMark();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^secret-inventory-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter(Boolean);
  expect(lines[0]).toBe(EXPORT_HEADER.join(','));
  expect(lines).toHaveLength(3); // the header and the two secrets of this view
  expect(lines[1].startsWith(`${names[0]},production,${team},${system}; ${webApi},critical,`)).toBe(true);
  expect(lines[2].startsWith(`${names[1]},staging,${team},,important,`)).toBe(true);
  expect(await auditEvents({ afterId: exportMark, action: 'inventory.export' })).toMatchObject([
    { outcome: 'success', actorId: engineer.user.id, detail: { q: run } },
  ]);
});
