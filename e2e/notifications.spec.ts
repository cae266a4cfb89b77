// Notification channels through the real UI: an administrator adds a channel pointing at
// a webhook receiver this test runs on loopback, sends a test event, and the receiver
// gets a body signed as the channel page explains (checked here the way a receiver
// would, with the key the page shows); the delivery history shows the delivery. Then the
// channel switches to Slack's format. An email channel routed to one team mails a test
// event through the mail server global setup runs (MAIL_LOG). Other roles get no access.
// Screenshots of the list and channel pages go to test-results/screenshots.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EVENT_LABELS } from '../lib/notifications/events';
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver';
import { insertTeam, unique } from './support/db';
import { expectAdminOnlySettings } from './support/admin-settings';
import { expect, test } from './support/fixtures';
import { MAIL_LOG, RESULTS_DIR } from './support/state';

const UUID_PATH = /\/settings\/notifications\/([0-9a-f-]{36})$/;
const SHOTS = path.join(RESULTS_DIR, 'screenshots');

let receiver: WebhookReceiver;
test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});

/** What a receiver does with the page's instructions: HMAC-SHA256 over `${t}.${body}`. */
function signatureValid(header: string | undefined, body: string, key: string): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2)));
  const expected = createHmac('sha256', key).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

test('an administrator adds a webhook channel, sends a signed test event and sees it delivered', async ({ page, db, seedUser, signIn, auditEvents }) => {
  const admin = await seedUser('admin');
  await signIn(page, admin.email, admin.password);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();

  // A missing event choice is explained, and nothing is written.
  const name = unique('Security webhook');
  await page.getByRole('link', { name: 'New channel' }).first().click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByLabel('Format').selectOption('webhook');
  await page.getByLabel('Webhook URL').fill(receiver.url('/e2e-hook?token=abc123'));
  // Every event's box is named "<label> — <what it means>".
  for (const label of Object.values(EVENT_LABELS)) {
    const box = page.getByRole('checkbox', { name: `${label} — ` });
    if (await box.count()) await box.uncheck();
  }
  await page.getByRole('button', { name: 'Create channel' }).click();
  await expect(page.getByText('Choose at least one event')).toBeVisible();
  expect((await db.query('SELECT 1 FROM notification_channels WHERE name = $1', [name])).rowCount).toBe(0);

  await page.getByRole('checkbox', { name: /^Rotation failed/ }).check();
  await page.getByRole('checkbox', { name: /^Secret marked compromised/ }).check();
  await page.getByRole('button', { name: 'Create channel' }).click();
  await expect(page).toHaveURL(UUID_PATH);
  const channelId = UUID_PATH.exec(page.url())![1];
  const { rows } = await db.query<{ kind: string; events: string[]; enabled: boolean }>(
    'SELECT kind, events, enabled FROM notification_channels WHERE id = $1',
    [channelId],
  );
  expect(rows[0]).toEqual({ kind: 'webhook', events: ['rotation.failed', 'secret.compromised'], enabled: true });

  // The signing key is hidden until asked for.
  const key = page.getByTestId('signing-key');
  await expect(key).not.toContainText(/[0-9a-f]{8}/);
  await page.getByRole('button', { name: 'Show key' }).click();
  await expect(key).toHaveText(/^[0-9a-f]{64}$/);
  const signingKey = (await key.textContent())!;

  // The test event: delivered, and signed as the page says.
  const before = receiver.received.length;
  await page.getByRole('button', { name: 'Send test event' }).click();
  await expect(page.getByRole('status').getByText('Delivered')).toBeVisible();
  expect(receiver.received.length).toBe(before + 1);
  const request = receiver.received[before];
  expect(request.path).toBe('/e2e-hook?token=abc123');
  expect(signatureValid(request.headers['x-secret-inventory-signature'] as string, request.body, signingKey)).toBe(true);
  expect(signatureValid(request.headers['x-secret-inventory-signature'] as string, `${request.body} `, signingKey)).toBe(false);
  const body = JSON.parse(request.body);
  expect(body).toMatchObject({
    event: 'notification.test',
    test: true,
    secret: { name: 'example-api-key', environment: 'production' },
    url: expect.stringContaining(`/settings/notifications/${channelId}`),
  });

  // The history shows it.
  const history = page.getByRole('table', { name: 'Delivery history' });
  const row = history.getByRole('row').filter({ hasText: 'Test event' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Delivered');
  await expect(row).toContainText('HTTP 200');
  await page.screenshot({ path: path.join(SHOTS, 'notifications-channel.png'), fullPage: true });

  // Switched to Slack's format: the next test event is a Slack message.
  await page.getByLabel('Format').selectOption('slack');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  receiver.respondWith(500);
  await page.getByRole('button', { name: 'Send test event' }).click();
  const verdict = page.getByRole('status').filter({ hasText: 'Not delivered' });
  await expect(verdict).toBeVisible();
  await expect(verdict).toContainText('HTTP 500');
  const slack = JSON.parse(receiver.received[before + 1].body);
  expect(Object.keys(slack).sort()).toEqual(['blocks', 'text']);
  expect(slack.text).toBe('Test event: example-api-key (production)');
  await expect(history.getByRole('row').filter({ hasText: 'Failed' })).toContainText('HTTP 500');

  // The list: masked URL (the token is not shown) and the last delivery's outcome.
  await page.goto('/settings/notifications');
  const listRow = page.getByRole('table', { name: 'Notification channels' }).getByRole('row').filter({ hasText: name });
  await expect(listRow).toContainText('Slack incoming webhook');
  await expect(listRow).toContainText('Failed');
  await expect(listRow).not.toContainText('abc123');
  await page.screenshot({ path: path.join(SHOTS, 'notifications-list.png'), fullPage: true });

  // Audited, with the URL masked.
  const created = await auditEvents({ action: 'notification_channel.create', targetId: channelId });
  expect(created).toHaveLength(1);
  expect(JSON.stringify(created[0])).not.toContain('abc123');
  const tests = await auditEvents({ action: 'notification_channel.test', targetId: channelId });
  expect(tests.map((e) => e.outcome).sort()).toEqual(['failed', 'success']);
});

type Mail = { to: string[]; subject: string; text: string; html: string };
const mailTo = (address: string): Mail[] =>
  (existsSync(MAIL_LOG) ? readFileSync(MAIL_LOG, 'utf8').trim().split('\n').filter(Boolean) : [])
    .map((line) => JSON.parse(line) as Mail)
    .filter((mail) => mail.to.includes(address));

test('an administrator adds an email channel routed to one team and mails a test event', async ({ page, db, seedUser, signIn }) => {
  const admin = await seedUser('admin');
  const team = await insertTeam(db);
  await signIn(page, admin.email, admin.password);
  await page.goto('/settings/notifications/new');

  const name = unique('Team lead mail');
  const lead = `${unique('lead')}@example.test`;
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByLabel('Format').selectOption('email');
  await expect(page.getByLabel('Webhook URL')).toHaveCount(0);
  // Specific messages: no recipient at all, then the one bad address named alone.
  await page.getByRole('button', { name: 'Create channel' }).click();
  await expect(page.getByText('Enter at least one recipient')).toBeVisible();
  await expect(page.getByLabel('Recipients')).toBeFocused();
  await page.getByLabel('Recipients').fill(`${lead}\nnot-an-address`);
  await page.getByRole('button', { name: 'Create channel' }).click();
  await expect(page.getByText('Not an email address: not-an-address')).toBeVisible();
  await expect(page.getByText(`Not an email address: ${lead}`)).toHaveCount(0);

  await page.getByLabel('Recipients').fill(lead);
  const route = page.getByRole('group', { name: 'Route' });
  await route.getByRole('group', { name: 'Teams' }).getByRole('checkbox', { name: team.name }).check();
  await route.getByRole('checkbox', { name: 'Critical' }).check();
  // The team lead wants one message a day, not one per secret.
  const dueAndOverdue = page.getByRole('group', { name: 'Due and overdue' });
  await expect(dueAndOverdue.getByRole('radio', { name: /^Each notice as it happens/ })).toBeChecked();
  await dueAndOverdue.getByRole('radio', { name: /^One daily digest/ }).check();
  await page.getByRole('button', { name: 'Create channel' }).click();
  await expect(page).toHaveURL(UUID_PATH);
  const channelId = UUID_PATH.exec(page.url())![1];
  const { rows } = await db.query<{ kind: string; url: string | null; recipients: string[]; team_ids: string[]; classifications: string; due_digest: boolean }>(
    'SELECT kind, url, recipients, team_ids, classifications::text, due_digest FROM notification_channels WHERE id = $1',
    [channelId],
  );
  expect(rows[0]).toEqual({ kind: 'email', url: null, recipients: [lead], team_ids: [team.id], classifications: '{critical}', due_digest: true });
  await expect(page.getByRole('radio', { name: /^One daily digest/ })).toBeChecked();
  // Email is not signed: no key to show.
  await expect(page.getByTestId('signing-key')).toHaveCount(0);

  await page.getByRole('button', { name: 'Send test event' }).click();
  await expect(page.getByRole('status').getByText('Delivered')).toBeVisible();
  const mails = mailTo(lead);
  expect(mails).toHaveLength(1);
  expect(mails[0].subject).toBe('[Test] Test event: example-api-key (production)');
  expect(mails[0].text).toContain(`/settings/notifications/${channelId}`);
  const row = page.getByRole('table', { name: 'Delivery history' }).getByRole('row').filter({ hasText: 'Test event' });
  await expect(row).toContainText('Delivered');
  await page.screenshot({ path: path.join(SHOTS, 'notifications-email-channel.png'), fullPage: true });

  // The list shows the recipients and the route.
  await page.goto('/settings/notifications');
  const listRow = page.getByRole('table', { name: 'Notification channels' }).getByRole('row').filter({ hasText: name });
  await expect(listRow).toContainText('Email');
  await expect(listRow).toContainText(lead);
  await expect(listRow).toContainText(`Teams: ${team.name} · Classifications: Critical`);
  await expect(listRow).toContainText('Due and overdue: daily digest');
  await page.screenshot({ path: path.join(SHOTS, 'notifications-list-email.png'), fullPage: true });
});

test('other roles see no notification settings', async ({ page, seedUser, signIn }) => {
  const engineer = await seedUser('engineer');
  await signIn(page, engineer.email, engineer.password);
  await expectAdminOnlySettings(page, {
    link: 'Notifications',
    path: '/settings/notifications',
    notice: 'Only administrators can manage notification channels.',
  });
  await expect(page.getByRole('link', { name: 'New channel' })).toHaveCount(0);
});
