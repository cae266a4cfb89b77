// First-run setup, on the e2e database as it comes from the template: no accounts.
// Runs as its own Playwright project before every other spec (they seed users, which
// closes setup).
import { expectNoSeriousViolations } from './support/axe';
import { expect, test } from './support/fixtures';

const ADMIN = { name: 'First Admin', email: 'first-admin@example.test', password: 'e2e-first-admin-password' };

// Only here is setup open, so e2e/accessibility.spec.ts cannot scan these two states.
test('the first-run setup pages pass the accessibility scan', async ({ page }) => {
  await page.goto('/sign-in');
  await expectNoSeriousViolations(page, 'sign-in before setup');
  await page.goto('/setup');
  await expect(page).toHaveURL(/\/setup$/);
  await expectNoSeriousViolations(page, 'setup');
});

test('first-run setup creates the administrator once, with the printed token only', async ({ page, db, e2e, auditEvents, signIn }) => {
  const users = async () => (await db.query<{ email: string; role: string }>('SELECT email, role FROM users ORDER BY email')).rows;
  expect(await users()).toEqual([]);
  expect(e2e.setupToken, 'global setup read the token the server printed').toMatch(/^[\w-]{20,}$/);

  await test.step('the sign-in page says no administrator exists yet', async () => {
    await page.goto('/sign-in');
    await expect(page.getByText('No administrator exists yet.')).toBeVisible();
    await page.getByRole('link', { name: 'Run first-time setup' }).click();
    await expect(page).toHaveURL(/\/setup$/);
  });

  const fill = async (token: string) => {
    await page.getByLabel('Setup token').fill(token);
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
  };

  await test.step('a wrong token is refused at the field and creates nothing', async () => {
    await fill('not-the-token-the-server-printed');
    await expect(page.getByText('That token is not valid. Use the newest token printed on the server console.')).toBeVisible();
    await expect(page.getByLabel('Setup token')).toHaveAttribute('aria-invalid', 'true');
    expect(await users()).toEqual([]);
  });

  await test.step('the printed token creates the administrator', async () => {
    await fill(e2e.setupToken);
    await expect(page.getByRole('status').filter({ hasText: 'The administrator account is ready.' })).toBeVisible();
    expect(await users()).toEqual([{ email: ADMIN.email, role: 'admin' }]);
    // Nothing about the token went into a URL.
    expect(page.url()).not.toContain(e2e.setupToken);
  });

  await test.step('setup is closed for good', async () => {
    await page.goto('/setup');
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByText('No administrator exists yet.')).toHaveCount(0);
  });

  await test.step('the new administrator can sign in', async () => {
    await signIn(page, ADMIN.email, ADMIN.password);
    await expect(page).not.toHaveURL(/\/sign-in/);
  });

  await test.step('both attempts are in the audit trail', async () => {
    const events = await auditEvents({ action: 'setup.complete' });
    expect(events.map((e) => ({ outcome: e.outcome, email: e.actorEmail, reason: e.detail?.reason ?? null }))).toEqual([
      { outcome: 'denied', email: ADMIN.email, reason: 'bad_setup_token' },
      { outcome: 'success', email: ADMIN.email, reason: null },
    ]);
    const [success] = events.filter((e) => e.outcome === 'success');
    expect(success.actorRole).toBe('admin');
    expect(success.requestId).toBeTruthy();
    // The token itself is recorded nowhere in the trail.
    expect(JSON.stringify(events)).not.toContain(e2e.setupToken);
  });
});
