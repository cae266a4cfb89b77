// Single sign-on against a real OpenID provider (e2e/support/oidc-provider.ts):
// the role comes from the provider's groups claim via OIDC_ROLE_MAP, the account is
// created on first sign-in, and identities whose groups map to no role are refused.
import type { Page } from '@playwright/test';
import { OIDC_ACCOUNTS, type OidcAccount } from './support/oidc-accounts';
import { expect, test } from './support/fixtures';

async function signInWithSso(page: Page, issuer: string, account: OidcAccount): Promise<void> {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Continue with Single sign-on' }).click();
  // The provider's own login screen (its dev interactions take any password).
  await expect(page).toHaveURL(new RegExp(`^${issuer}/interaction/`));
  await page.locator('input[name="login"]').fill(account.sub);
  await page.locator('input[name="password"]').fill('any-password-the-idp-accepts');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // First use of the app by this identity: the provider asks for consent.
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('an engineer signs in through the identity provider; the account is created with the role from the groups', async ({
  page,
  db,
  e2e,
  auditEvents,
  auditMark,
}) => {
  const account = OIDC_ACCOUNTS.engineer;
  const mark = await auditMark();

  await signInWithSso(page, e2e.oidcIssuer, account);

  await expect(page).toHaveURL(`${e2e.baseURL}/inventory`);
  const { rows } = await db.query('SELECT id, email, name, role, oidc_subject, password_hash FROM users WHERE email = $1', [account.email]);
  expect(rows).toEqual([
    { id: expect.any(String), email: account.email, name: account.name, role: 'engineer', oidc_subject: account.sub, password_hash: null },
  ]);
  const session = (await (await page.request.get('/api/auth/session')).json()) as { user?: { id?: string } };
  expect(session.user?.id).toBe(rows[0].id);
  expect(await auditEvents({ afterId: mark })).toMatchObject([
    { action: 'auth.sign_in', outcome: 'success', actorId: rows[0].id, actorEmail: account.email, detail: { method: 'oidc', created: true } },
    { action: 'auth.session_start', outcome: 'success', actorId: rows[0].id, targetType: 'session', detail: { method: 'oidc' } },
  ]);
});

test('an identity whose groups map to no role is refused and no account is created', async ({ page, db, e2e, auditEvents, auditMark }) => {
  const account = OIDC_ACCOUNTS.nobody;
  const mark = await auditMark();

  await signInWithSso(page, e2e.oidcIssuer, account);

  await expect(page).toHaveURL(`${e2e.baseURL}/sign-in?error=AccessDenied`);
  await expect(
    page.getByRole('alert').filter({ hasText: 'Your single sign-on account is not allowed in here. Ask an administrator to check your groups.' }),
  ).toBeVisible();
  const session = (await (await page.request.get('/api/auth/session')).json()) as { user?: unknown };
  expect(session.user).toBeUndefined();
  expect((await db.query('SELECT 1 FROM users WHERE email = $1 OR oidc_subject = $2', [account.email, account.sub])).rowCount).toBe(0);
  expect(await auditEvents({ afterId: mark })).toMatchObject([
    { action: 'auth.sign_in', outcome: 'failed', actorId: null, actorEmail: account.email, detail: { method: 'oidc', reason: 'no_role_for_groups' } },
  ]);
});

test('an identity whose email the provider did not verify cannot take over the local account with that email', async ({
  page,
  db,
  e2e,
  seedUser,
  auditEvents,
  auditMark,
}) => {
  const account = OIDC_ACCOUNTS.unverified;
  const local = await seedUser('viewer', { email: account.email });
  const mark = await auditMark();

  await signInWithSso(page, e2e.oidcIssuer, account);

  await expect(page).toHaveURL(`${e2e.baseURL}/sign-in?error=SsoLinkRefused`);
  await expect(page.getByRole('alert').filter({ hasText: 'single sign-on cannot take it over on its own' })).toBeVisible();
  const session = (await (await page.request.get('/api/auth/session')).json()) as { user?: unknown };
  expect(session.user).toBeUndefined();
  const { rows } = await db.query('SELECT id, role, oidc_subject FROM users WHERE email = $1 OR oidc_subject = $2', [account.email, account.sub]);
  expect(rows).toEqual([{ id: local.id, role: 'viewer', oidc_subject: null }]);
  expect(await auditEvents({ afterId: mark })).toMatchObject([
    { action: 'auth.sign_in', outcome: 'failed', targetId: local.id, actorEmail: account.email, detail: { method: 'oidc', reason: 'email_not_verified' } },
  ]);
});
