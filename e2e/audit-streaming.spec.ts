// Audit streaming through the real UI and the real worker: an administrator adds an OTLP
// sink pointing at a receiver this test runs on loopback, the worker streams the trail to
// it and the sink's card says it is up to date; with the receiver down, the card shows the
// error and the lag; an edit (refused for a private address) keeps its place in the stream,
// and after a pause and a delete the sink is gone. Other roles get no access. Screenshots of
// the list and the forms go to test-results/screenshots.
import path from 'node:path';
import { startHttpReceiver, type HttpReceiver } from '../test/support/siem-receivers';
import { expectAdminOnlySettings } from './support/admin-settings';
import { unique } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');

let receiver: HttpReceiver;
test.beforeAll(async () => {
  receiver = await startHttpReceiver();
});
test.afterAll(async () => {
  await receiver.stop();
});

test('an administrator adds an OTLP sink, sees it streaming, then its error and lag when the receiver is down', async ({ page, db, seedUser, signIn }) => {
  test.setTimeout(120_000);
  const admin = await seedUser('admin');
  await signIn(page, admin.email, admin.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit streaming' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit streaming' })).toBeVisible();

  // http:// without "Allow unencrypted" is explained, and nothing is written.
  const name = unique('OTel collector');
  await page.getByRole('link', { name: 'Add sink' }).first().click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByLabel('Kind').selectOption('otlp');
  await page.getByLabel('Endpoint').fill(receiver.url());
  await page.screenshot({ path: path.join(SHOTS, 'audit-sink-new.png'), fullPage: true });
  await page.getByRole('button', { name: 'Add sink' }).click();
  await expect(page.getByText('Use https://, or tick "Allow unencrypted"')).toBeVisible();
  expect((await db.query('SELECT 1 FROM audit_sinks WHERE name = $1', [name])).rowCount).toBe(0);

  await page.getByRole('checkbox', { name: /^Allow unencrypted/ }).check();
  await page.getByLabel('Start').selectOption('beginning');
  await page.getByRole('button', { name: 'Add sink' }).click();
  await expect(page).toHaveURL(/\/settings\/audit-sinks$/);
  const card = page.locator('section', { has: page.getByRole('heading', { name }) });

  // The worker sends the whole stored trail; the card catches up.
  await expect(async () => {
    await page.reload();
    await expect(card.getByText('Up to date', { exact: true }).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  const [{ acked_seq: acked }] = (await db.query<{ acked_seq: string }>('SELECT acked_seq::text FROM audit_sinks WHERE name = $1', [name])).rows;
  expect(receiver.posts.length).toBeGreaterThan(0);
  expect(receiver.posts.every((p) => p.path === '/v1/logs')).toBe(true);
  await expect(card.getByText(`seq ${acked}`)).toBeVisible();

  // Receiver down: new events (a refused visit by another role records one) stay behind, with the error shown.
  await receiver.stop();
  const engineer = await seedUser('engineer');
  const other = await page.context().browser()!.newPage();
  await signIn(other, engineer.email, engineer.password);
  await expectAdminOnlySettings(other, { link: 'Audit streaming', path: '/settings/audit-sinks', notice: 'Only administrators can manage audit sinks.' });
  await other.close();
  await expect(async () => {
    await page.reload();
    await expect(card.getByTestId('sink-error')).toContainText('The connection was refused.', { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await expect(card.getByTestId('sink-lag')).toContainText(/events? behind, oldest/);
  await expect(card.getByText('Failing')).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'audit-sinks.png'), fullPage: true });

  await card.getByRole('button', { name: 'Send test' }).click();
  await expect(card.getByText('The connection was refused.').first()).toBeVisible();

  // Edit: the form starts from the saved sink; pointing it at a private address is refused by
  // the egress policy and nothing changes; a new name is saved and the place in the stream stays.
  await card.getByRole('link', { name: `Edit ${name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Edit ${name}` })).toBeVisible();
  await expect(page.getByLabel('Endpoint')).toHaveValue(receiver.url());
  await expect(page.getByRole('checkbox', { name: /^Allow unencrypted/ })).toBeChecked();
  await expect(page.getByLabel('Start')).toHaveCount(0);
  await page.getByLabel('Endpoint').fill('https://10.1.2.3:4318');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(/private network address/).first()).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'audit-sink-edit.png'), fullPage: true });
  const renamed = `${name} (edited)`;
  await page.getByLabel('Endpoint').fill(receiver.url());
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(renamed);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  const [edited] = (await db.query<{ endpoint: string; acked_seq: string }>('SELECT endpoint, acked_seq::text FROM audit_sinks WHERE name = $1', [renamed]))
    .rows;
  expect(edited.endpoint).toBe(receiver.url());
  expect(BigInt(edited.acked_seq)).toBeGreaterThanOrEqual(BigInt(acked));
  await page.getByRole('link', { name: 'Audit streaming' }).first().click();
  const editedCard = page.locator('section', { has: page.getByRole('heading', { name: renamed }) });

  await editedCard.getByRole('button', { name: 'Pause' }).click();
  await expect(editedCard.getByText('Paused')).toBeVisible();
  await editedCard.getByRole('button', { name: 'Delete sink…' }).click();
  await editedCard.getByRole('button', { name: 'Delete sink', exact: true }).click();
  await expect(page.getByRole('heading', { name: renamed })).toHaveCount(0);
  expect((await db.query('SELECT 1 FROM audit_sinks WHERE name = $1', [renamed])).rowCount).toBe(0);
  const actions = (
    await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE target_type = 'audit_sink' AND actor_email = $1 ORDER BY seq`, [admin.email])
  ).rows;
  expect(actions.map((a) => a.action)).toEqual(['audit_sink.create', 'audit_sink.test', 'audit_sink.update', 'audit_sink.pause', 'audit_sink.delete']);
});
