// The Rotation area through the real UI: an overdue secret appears under Overdue with its
// filters (and the filters travel in the URL), the calendar shows it on its due day and is
// driven by the keyboard, the home page shows the counts and the health chart, an
// administrator edits a policy default (which the secret form then offers), and a viewer
// cannot. Screenshots for people to look at go to test-results/screenshots/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { environmentId, insertTeam, unique, type Db } from './support/db';
import { expectAdminOnlySettings } from './support/admin-settings';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');
const DAY = 86_400_000;

/** A secret with a rotation policy, due at `nextDueAt`, tagged so the test can filter to it. */
async function insertDueSecret(
  db: Db,
  options: { name: string; teamId: string; tag: string; nextDueAt: Date; environment?: 'staging' | 'production' },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO secrets (id, name, environment_id, owner_team_id, classification, tags, search_text, last_rotated_at,
                          rotation_interval_days, next_due_at, rotation_strategy, updated_at)
     VALUES (gen_random_uuid(), $1, $2, $3, 'critical', ARRAY[$4], lower($1 || ' ' || $4), $5::timestamptz - interval '90 days', 90, $5::timestamptz,
             'generated', now())
     RETURNING id`,
    [options.name, await environmentId(db, options.environment ?? 'staging'), options.teamId, options.tag, options.nextDueAt],
  );
  return rows[0].id;
}

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test('an overdue secret appears under Overdue with its filters, and on its due day in the calendar', async ({ page, db, seedUser, signIn }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));

  const team = await insertTeam(db);
  const tag = unique('rot').toLowerCase();
  const dueAt = new Date(Date.now() - 10 * DAY);
  const name = unique('e2e-overdue-key');
  const id = await insertDueSecret(db, { name, teamId: team.id, tag, nextDueAt: dueAt });
  // Same tag, other environment: the environment filter must leave it out.
  const decoy = unique('e2e-overdue-prod');
  await insertDueSecret(db, { name: decoy, teamId: team.id, tag, nextDueAt: dueAt, environment: 'production' });
  const soon = unique('e2e-due-soon');
  await insertDueSecret(db, { name: soon, teamId: team.id, tag, nextDueAt: new Date(Date.now() + 5 * DAY) });

  const viewer = await seedUser('viewer');
  await signIn(page, viewer.email, viewer.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rotation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Rotation' })).toBeVisible();

  // Filter with the inventory's own fields; the view lands in the URL.
  const filters = page.getByRole('search', { name: 'Filter rotations' });
  await filters.getByLabel('Tag').fill(tag);
  await filters.getByLabel('Environment').selectOption('staging');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/rotation' && url.searchParams.get('tag') === tag && url.searchParams.get('env') === 'staging');

  const tabs = page.getByRole('navigation', { name: 'Rotation lists' });
  await expect(tabs.getByRole('link', { name: /Overdue/ })).toHaveAttribute('aria-current', 'page');
  await expect(tabs.getByRole('link', { name: /Overdue/ })).toContainText('1');
  const table = page.getByRole('table', { name: 'Overdue secrets' });
  await expect(table.getByRole('link', { name })).toHaveAttribute('href', `/inventory/${id}`);
  await expect(table.getByRole('row')).toHaveCount(2); // header + the one secret
  await expect(table).toContainText('10 days overdue');
  await expect(table).toContainText('Generated');
  await expect(page.getByText(decoy)).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/rotation-list.png`, fullPage: true });

  // The Due soon tab keeps the filters; its window is in the URL too.
  await tabs.getByRole('link', { name: /Due soon/ }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('tab') === 'soon' && url.searchParams.get('tag') === tag);
  await expect(page.getByRole('table', { name: 'Due soon secrets' }).getByRole('link', { name: soon })).toBeVisible();
  await page.goto(`/rotation?tab=soon&days=3&tag=${tag}&env=staging`);
  await expect(page.getByText('Nothing is due soon')).toBeVisible();

  // The calendar of the due day's month, with the same filters.
  const day = dueAt.toISOString().slice(0, 10);
  await page.goto(`/rotation/calendar?month=${day.slice(0, 7)}&tag=${tag}&env=staging`);
  const dayLink = page.locator(`[data-day="${day}"]`);
  await expect(dayLink).toHaveAccessibleName(/1 secret due$/);
  await expect(dayLink).toContainText('1 due');
  await dayLink.click();
  await expect(page).toHaveURL((url) => url.searchParams.get('day') === day && url.searchParams.get('tag') === tag);
  await expect(page.locator(`[data-day="${day}"]`)).toHaveAttribute('aria-current', 'date');
  await expect(page.getByRole('table', { name: `Secrets due on ${day}` }).getByRole('link', { name })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/rotation-calendar.png`, fullPage: true });

  // Keyboard: arrows move between days (a week down, a day back), Enter opens that day.
  await page.locator(`[data-day="${day}"]`).focus();
  const next = new Date(new Date(`${day}T00:00:00Z`).getTime() + DAY).toISOString().slice(0, 10);
  const previous = new Date(new Date(`${day}T00:00:00Z`).getTime() - DAY).toISOString().slice(0, 10);
  const target = next.slice(0, 7) === day.slice(0, 7) ? next : previous;
  await page.keyboard.press(target === next ? 'ArrowRight' : 'ArrowLeft');
  await expect(page.locator(`[data-day="${target}"]`)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL((url) => url.searchParams.get('day') === target);
  await expect(page.getByText('Nothing falls due on this day.')).toBeVisible();

  expect(violations).toEqual([]);
});

test('the home page shows rotation counts linking to the tabs, and the health chart over time', async ({ page, db, seedUser, signIn }) => {
  // A month of daily snapshots, as the worker would have recorded them.
  for (let i = 1; i <= 29; i++) {
    const total = 120 + i;
    const within = Math.round(total * (0.62 + (0.25 * (29 - i)) / 29));
    await db.query(
      `INSERT INTO rotation_health_snapshots (day, total, within_policy, overdue, never_rotated, no_policy)
       VALUES ((now() AT TIME ZONE 'UTC')::date - $1::int, $2, $3, $4, 5, 10) ON CONFLICT (day) DO NOTHING`,
      [i, total, within, total - within - 10],
    );
  }
  // At least one secret in use, overdue, whatever ran before.
  await insertDueSecret(db, { name: unique('e2e-home-overdue'), teamId: (await insertTeam(db)).id, tag: 'home', nextDueAt: new Date(Date.now() - DAY) });
  const viewer = await seedUser('viewer');
  await signIn(page, viewer.email, viewer.password);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

  const { rows } = await db.query<{ overdue: number }>(`SELECT count(*)::int AS overdue FROM secrets WHERE next_due_at < now() AND status <> 'decommissioned'`);
  const overdue = page.getByRole('link', { name: /^Overdue/ });
  await expect(overdue).toHaveAttribute('href', '/rotation');
  await expect(overdue).toContainText(String(rows[0].overdue));
  await expect(page.getByRole('link', { name: /^Failed/ })).toHaveAttribute('href', '/rotation?tab=failed');

  const chart = page.getByRole('img', { name: /Share of secrets within policy per day, last 30 days/ });
  await expect(chart).toBeVisible();
  await expect(page.getByText(/^Today \d+% of secrets are within policy/)).toBeVisible();
  await expect(page.getByText(/the earliest recorded day of the last 30, it was \d+%/)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/home-health.png`, fullPage: true });

  await page.getByRole('link', { name: '90 days' }).click();
  await expect(page).toHaveURL(/\/\?range=90$/);
  await expect(page.getByRole('img', { name: /^Share of secrets within policy per day, last 90 days/ })).toBeVisible();
});

test('an administrator edits a policy default, which the secret form then offers', async ({ page, db, seedUser, signIn, auditEvents, auditMark }) => {
  const admin = await seedUser('admin');
  await signIn(page, admin.email, admin.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Policies' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Rotation policies' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Important defaults' });
  const mark = await auditMark();
  await form.getByLabel('Rotate every (days)').fill('0');
  await form.getByRole('button', { name: 'Save important defaults' }).click();
  await expect(form.getByText('At least 1 days')).toBeVisible();
  await form.getByLabel('Rotate every (days)').fill('75');
  await form.getByLabel('Grace period (hours)').fill('12');
  await form.getByRole('button', { name: 'Save important defaults' }).click();
  await expect(form.getByText(/^Saved\./)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/policies.png`, fullPage: true });

  const { rows } = await db.query(`SELECT interval_days, grace_hours, reminder_days FROM classification_policies WHERE classification = 'important'`);
  expect(rows).toEqual([{ interval_days: 75, grace_hours: 12, reminder_days: 14 }]);
  const events = await auditEvents({ afterId: mark, action: 'policy.update' });
  expect(events.map((e) => [e.outcome, e.targetId, e.changes])).toEqual([
    ['success', 'important', { intervalDays: { before: 90, after: 75 }, graceHours: { before: 24, after: 12 } }],
  ]);

  // A new Important secret's form starts from the new default; clearing keeps "no policy".
  await page.goto('/inventory/new');
  await page.getByLabel('Classification').selectOption({ label: 'Important' });
  await expect(page.getByLabel('Rotation interval (days)')).toHaveValue('75');
  await expect(page.getByLabel('Grace period (hours)')).toHaveAttribute('placeholder', 'Default: 12');
  await expect(page.getByLabel('Rotate automatically when due')).toBeDisabled();
  await page.getByLabel('Strategy').selectOption('generated');
  await expect(page.getByLabel('Rotate automatically when due')).toBeEnabled();
  await page
    .locator('fieldset')
    .filter({ has: page.locator('legend', { hasText: /^Rotation$/ }) })
    .screenshot({ path: `${SHOTS}/secret-form-rotation.png` });
  await page.getByLabel('Rotation interval (days)').fill('');
  await page.getByLabel('Classification').selectOption({ label: 'Critical' });
  await expect(page.getByLabel('Rotation interval (days)')).toHaveValue('');
});

test('a viewer sees the policy defaults but cannot edit them', async ({ page, seedUser, signIn }) => {
  const viewer = await seedUser('viewer');
  await signIn(page, viewer.email, viewer.password);
  await expectAdminOnlySettings(page, { link: 'Policies', path: '/settings/policies', notice: 'Only administrators can change the rotation defaults.' });
  await expect(page.getByRole('table', { name: 'Rotation defaults per classification' })).toContainText('Critical');
  await expect(page.getByRole('form')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Save/ })).toHaveCount(0);
});
