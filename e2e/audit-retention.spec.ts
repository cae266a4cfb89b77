// The audit retention period through the real UI: an administrator finds Settings ->
// Audit retention, is warned below a year and refused below 90 days with nothing saved,
// sets a period and sees it; an auditor reads it on the Audit page and on the settings
// page without a form; the change is audited with before and after. The period ends as
// "keep forever" again. Screenshots go to test-results/screenshots/.
import path from 'node:path';
import { expectAdminOnlySettings } from './support/admin-settings';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');

test('an administrator sets the audit retention period and an auditor reads it on the Audit page', async ({
  page,
  db,
  seedUser,
  signIn,
  signedInContext,
  auditEvents,
  auditMark,
}) => {
  const retentionDays = async () =>
    (await db.query<{ retention_days: number | null }>('SELECT retention_days FROM audit_settings WHERE id = 1')).rows[0].retention_days;
  const before = await retentionDays();
  const mark = await auditMark();

  const admin = await seedUser('admin');
  await signIn(page, admin.email, admin.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit retention' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit retention' })).toBeVisible();
  await expect(page.getByText('Nothing is ever deleted automatically.')).toBeVisible();
  const form = page.getByRole('form', { name: 'Retention period' });

  // Below a year: a warning while typing; below 90 days: refused, focus on the field.
  await form.getByRole('radio', { name: /^Keep for a number of days/ }).check();
  const days = form.getByLabel('Days to keep');
  await days.fill('200');
  await expect(form.getByText(/^Shorter than a year\./)).toBeVisible();
  await form.screenshot({ path: path.join(SHOTS, 'audit-retention-short-warning.png') });
  await days.fill('30');
  await form.getByRole('button', { name: 'Save retention period' }).click();
  await expect(form.getByText(/^At least 90 days/)).toBeVisible();
  await expect(days).toBeFocused();
  expect(await retentionDays()).toBe(before);

  await days.fill('400');
  await expect(form.getByText(/^Shorter than a year\./)).toHaveCount(0);
  await form.getByRole('button', { name: 'Save retention period' }).click();
  await expect(form.getByText('Saved.')).toBeVisible();
  const card = (title: string) => page.locator('section', { has: page.getByRole('heading', { level: 2, name: title }) });
  const current = card('Current period');
  await expect(current).toContainText('400 days. Events from before');
  expect(await retentionDays()).toBe(400);
  await expect(card('Last purge')).toContainText(/No events have been purged|Events purged/);
  await page.screenshot({ path: path.join(SHOTS, 'audit-retention-settings.png'), fullPage: true });

  const [event] = await auditEvents({ action: 'audit.retention_update', afterId: mark, actorId: admin.id });
  expect(event).toMatchObject({ outcome: 'success', targetType: 'audit_settings', changes: { retentionDays: { before, after: 400 } } });

  // An auditor: the period on the Audit page, the settings page without a form, no nav link.
  const auditor = await signedInContext('auditor');
  const auditorPage = await (await auditor.browserContext()).newPage();
  await auditorPage.goto('/audit');
  await expect(auditorPage.getByRole('region', { name: 'Retention:' })).toContainText(
    /400 days\. Events from before \d{4}-\d{2}-\d{2} may be purged by the operator\. Nothing is deleted automatically\./,
  );
  await auditorPage.screenshot({ path: path.join(SHOTS, 'audit-retention-audit-page.png') });
  await expectAdminOnlySettings(auditorPage, {
    link: 'Audit retention',
    path: '/settings/retention',
    notice: 'Only administrators can change the retention period.',
  });
  await expect(auditorPage.getByRole('form', { name: 'Retention period' })).toHaveCount(0);

  // Back to the default: nothing may be purged.
  await form.getByRole('radio', { name: /^Keep forever/ }).check();
  await expect(days).toHaveCount(0);
  await form.getByRole('button', { name: 'Save retention period' }).click();
  await expect(current).toContainText('Keep forever. No audit event may be purged.');
  expect(await retentionDays()).toBeNull();
});
