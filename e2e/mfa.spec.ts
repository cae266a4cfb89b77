// Second factor and server-side sessions through the real pages, against the production
// server: setting up TOTP (the code computed here with otplib from the key the page
// shows), signing in with a code, and "sign out everywhere" ending a copied cookie.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'otplib';
import type { Page } from '@playwright/test';
import { expect, SESSION_COOKIE, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');

const CODE_ERROR = 'That code is not valid. Enter the newest code from your app, or an unused recovery code.';

/** The password step of the form, for an account that then asks for a code (the signIn fixture waits to leave /sign-in). */
async function passwordStep(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByLabel('Authentication code')).toBeVisible();
  // A fresh field, not the email one reused.
  await expect(page.getByLabel('Authentication code')).toHaveValue('');
}

/** A code for the next 30-second step: the enrolment used the current one, and each step signs in once. */
const nextCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

test('a local account sets up TOTP, then signs in with password and code', async ({ page, seedUser, signIn, auditEvents, auditMark }) => {
  const user = await seedUser('engineer');
  await signIn(page, user.email, user.password);
  await expect(page).toHaveURL(/\/inventory$/);

  await page.getByRole('link', { name: 'Account security' }).click();
  await expect(page.getByRole('heading', { name: 'Account security' })).toBeVisible();
  await page.getByRole('link', { name: 'Set up two-factor authentication' }).click();
  await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code to add this account to an authenticator app' })).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'two-factor-enrolment.png'), fullPage: true });

  const mark = await auditMark();
  await page.getByLabel('Code from the app').fill('000000' === (await generate({ secret })) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(page.getByText('That code does not match')).toBeVisible();
  await page.getByLabel('Code from the app').fill(await generate({ secret }));
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recovery = await codes.first().innerText();
  await page.getByRole('link', { name: 'I have saved them: continue' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const enabled = await auditEvents({ afterId: mark, action: 'user.mfa_enable' });
  expect(enabled).toMatchObject([{ outcome: 'success', actorId: user.id, targetId: user.id }]);
  expect(JSON.stringify(await auditEvents({ afterId: mark }))).not.toContain(secret);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  // The right password alone asks for a code; a wrong code is refused with a clear message.
  await passwordStep(page, user.email, user.password);
  const code = page.getByLabel('Authentication code');
  await code.fill('000000');
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: CODE_ERROR })).toBeVisible();
  await code.fill(await nextCode(secret));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/inventory$/);
  const verified = await auditEvents({ afterId: mark, action: 'auth.mfa_verify' });
  expect(verified.map((e) => `${e.outcome}:${e.detail?.method ?? e.detail?.reason}`)).toEqual(['failed:wrong_code', 'success:totp']);

  // A recovery code works once, in place of the app's code.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await passwordStep(page, user.email, user.password);
  await page.getByLabel('Authentication code').fill(recovery);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/inventory$/);
});

test('"sign out everywhere" ends every session, and a copied session cookie stops working', async ({
  page,
  browser,
  e2e,
  seedUser,
  signIn,
  auditEvents,
  auditMark,
}) => {
  const user = await seedUser('viewer');
  await signIn(page, user.email, user.password);
  await expect(page).toHaveURL(/\/inventory$/);

  // Someone copies the cookie into another browser; it works there, for now.
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)!;
  const copy = await browser.newContext({ baseURL: e2e.baseURL });
  await copy.addCookies([cookie]);
  const thief = await copy.newPage();
  await thief.goto('/inventory');
  await expect(thief).toHaveURL(/\/inventory$/);

  // A second, separate sign-in of the same person (another device).
  const other = await browser.newContext({ baseURL: e2e.baseURL });
  const otherPage = await other.newPage();
  await signIn(otherPage, user.email, user.password);
  await expect(otherPage).toHaveURL(/\/inventory$/);

  const mark = await auditMark();
  await page.goto('/account');
  await expect(page.getByRole('table', { name: 'Your sessions' }).getByRole('row')).toHaveCount(3); // header + 2 sessions
  await page.screenshot({ path: path.join(SHOTS, 'account-security.png'), fullPage: true });
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.getByRole('group', { name: 'Confirm signing out everywhere' }).getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  for (const p of [thief, otherPage]) {
    await p.goto('/inventory');
    await expect(p).toHaveURL(/\/sign-in\?callbackUrl=%2Finventory$/);
    expect(((await (await p.request.get('/api/auth/session')).json()) as { user?: unknown }).user).toBeUndefined();
  }
  // Even replayed by hand, outside any browser.
  const replay = await page.request.get('/settings/users', { headers: { cookie: `${SESSION_COOKIE}=${cookie.value}` }, maxRedirects: 0 });
  expect(replay.headers().location ?? '').toContain('/sign-in');
  expect(await auditEvents({ afterId: mark, action: 'auth.sessions_end' })).toMatchObject([
    { outcome: 'success', actorId: user.id, targetId: user.id, detail: { reason: 'sign_out_everywhere', sessionsEnded: 2 } },
  ]);
  await copy.close();
  await other.close();
});
