// Local (email + password) sign-in through the real form, against the production
// server: success, refusals, sign-out, disabled accounts, throttling, and the audit
// trail each leaves.
import { setUserStatus } from './support/db';
import { expect, SESSION_COOKIE, test } from './support/fixtures';

const MISMATCH = 'That email and password do not match an active account.';
const THROTTLED = 'Too many failed attempts. Wait 15 minutes, then try again.';

async function sessionUserId(page: import('@playwright/test').Page): Promise<string | null> {
  const session = (await (await page.request.get('/api/auth/session')).json()) as { user?: { id?: string } };
  return session.user?.id ?? null;
}

test('a local account signs in with the form, and the sign-in is audited', async ({ page, db, seedUser, signIn, auditEvents, auditMark }) => {
  const user = await seedUser('engineer');
  const mark = await auditMark();

  await signIn(page, user.email, user.password);

  await expect(page).toHaveURL(/\/inventory$/);
  expect(await sessionUserId(page)).toBe(user.id);
  const events = await auditEvents({ afterId: mark });
  expect(events).toMatchObject([
    { action: 'auth.sign_in', outcome: 'success', actorId: user.id, actorEmail: user.email, targetId: user.id, detail: { method: 'password' } },
    { action: 'auth.session_start', outcome: 'success', actorId: user.id, targetType: 'session', detail: { method: 'password' } },
  ]);
  expect(JSON.stringify(events)).not.toContain(user.password);
  const { rows } = await db.query('SELECT last_sign_in_at FROM users WHERE id = $1', [user.id]);
  expect(rows[0].last_sign_in_at).not.toBeNull();
});

test('a wrong password or an unknown email gets the same clear message, and both are audited', async ({ page, seedUser, signIn, auditEvents, auditMark }) => {
  const user = await seedUser('viewer');
  const mark = await auditMark();

  await signIn(page, user.email, 'not-the-right-password');
  await expect(page.getByRole('alert').filter({ hasText: MISMATCH })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
  expect(await sessionUserId(page)).toBeNull();

  // An account that does not exist is indistinguishable from a wrong password.
  await signIn(page, 'nobody-here@example.test', 'whatever-password');
  await expect(page.getByRole('alert').filter({ hasText: MISMATCH })).toBeVisible();

  const events = await auditEvents({ afterId: mark, action: 'auth.sign_in' });
  expect(events.map((e) => ({ outcome: e.outcome, email: e.actorEmail, actorId: e.actorId, reason: e.detail?.reason }))).toEqual([
    { outcome: 'failed', email: user.email, actorId: user.id, reason: 'wrong_password' },
    { outcome: 'failed', email: 'nobody-here@example.test', actorId: null, reason: 'unknown_account' },
  ]);
  expect(JSON.stringify(events)).not.toContain('not-the-right-password');
});

test('signing out ends the session: protected pages send you back to sign-in', async ({ page, context, seedUser, signIn, auditEvents, auditMark }) => {
  const user = await seedUser('auditor');
  await signIn(page, user.email, user.password);
  await expect(page).toHaveURL(/\/inventory$/);
  const mark = await auditMark();

  // The sidebar's button on any dashboard page.
  await page.goto('/teams');
  await page.getByRole('button', { name: 'Sign out' }).click();

  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await context.cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE);
  expect(await sessionUserId(page)).toBeNull();
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2F$/); // with the way back to the page asked for
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // The server-side session ends first, then the sign-out itself is recorded.
  expect(await auditEvents({ afterId: mark })).toMatchObject([
    { action: 'auth.session_end', outcome: 'success', targetType: 'session', detail: { reason: 'sign_out', userId: user.id } },
    { action: 'auth.sign_out', outcome: 'success', actorId: user.id, actorEmail: user.email, targetId: user.id },
  ]);
});

test('a disabled account is refused, and disabling a signed-in account ends its access at once', async ({
  page,
  db,
  seedUser,
  signIn,
  auditEvents,
  auditMark,
}) => {
  const disabled = await seedUser('engineer', { status: 'disabled' });
  const mark = await auditMark();
  await signIn(page, disabled.email, disabled.password);
  await expect(page.getByRole('alert').filter({ hasText: MISMATCH })).toBeVisible();
  expect(await sessionUserId(page)).toBeNull();
  expect(await auditEvents({ afterId: mark, action: 'auth.sign_in' })).toMatchObject([
    { outcome: 'failed', actorId: disabled.id, detail: { method: 'password', reason: 'account_disabled' } },
  ]);

  // The session holds only the user id; status is read from the database per request.
  const active = await seedUser('engineer');
  await signIn(page, active.email, active.password);
  await expect(page).toHaveURL(/\/inventory$/);
  await setUserStatus(db, active.id, 'disabled');
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2F$/);
});

test('repeated failures are throttled, even for the right password, with a clear message', async ({ page, seedUser, signIn, auditEvents, auditMark }) => {
  test.slow(); // six full sign-in round trips, each with an argon2 verification
  const user = await seedUser('viewer');
  const mark = await auditMark();
  for (let attempt = 1; attempt <= 5; attempt++) {
    await signIn(page, user.email, `wrong-password-${attempt}`);
    await expect(page.getByRole('alert').filter({ hasText: MISMATCH })).toBeVisible();
  }

  await signIn(page, user.email, user.password);
  await expect(page.getByRole('alert').filter({ hasText: THROTTLED })).toBeVisible();
  expect(await sessionUserId(page)).toBeNull();

  const reasons = (await auditEvents({ afterId: mark, action: 'auth.sign_in' })).map((e) => `${e.outcome}:${e.detail?.reason}`);
  // The throttled attempt is a signed-out denial: an event of its own when it is the first
  // from this address in the minute, else counted for the minute's summary
  // (lib/audit/signed-out-denials.ts); other specs sign in from the same loopback address.
  expect(reasons.slice(0, 5)).toEqual(Array(5).fill('failed:wrong_password'));
  expect(reasons.slice(5)).toEqual(reasons.length === 6 ? ['failed:rate_limited'] : []);
});

test('a callbackUrl that leads off the site is ignored: the form and the signed-in redirect stay on the dashboard', async ({ page, e2e, seedUser }) => {
  const user = await seedUser('viewer');
  // "/\evil.example" passes a starts-with-one-slash check, and a browser resolves it to //evil.example.
  await page.goto('/sign-in?callbackUrl=/%5Cevil.example');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(`${e2e.baseURL}/inventory`);

  // Signed in, the page redirects on its own: to the dashboard, never off it.
  const expected: [target: string, location: string][] = [
    ['/%5Cevil.example', '/inventory'],
    ['https://evil.example/', '/inventory'],
    // Resolves to the path "//evil.example" on this site, which must not go out as "//...".
    ['/.//evil.example', '/evil.example'],
  ];
  for (const [target, location] of expected) {
    const response = await page.request.get(`/sign-in?callbackUrl=${target}`, { maxRedirects: 0 });
    expect(response.status(), target).toBe(307);
    expect(response.headers().location, target).toBe(location);
  }
  const onSite = await page.request.get(`/sign-in?callbackUrl=${encodeURIComponent('/teams?q=x')}`, { maxRedirects: 0 });
  expect(onSite.headers().location).toBe('/teams?q=x');
  await page.goto('/sign-in?callbackUrl=/%5Cevil.example'); // still signed in: the form page sends us on
  await expect(page).toHaveURL(`${e2e.baseURL}/inventory`);
});

test("the client IP is the connection's: X-Forwarded-For neither changes the recorded address nor escapes the per-address limit", async ({
  playwright,
  db,
  e2e,
  seedUser,
  auditMark,
}) => {
  const user = await seedUser('engineer');
  const mark = await auditMark();
  const request = await playwright.request.newContext({ baseURL: e2e.baseURL });
  const attempt = async (password: string, forwardedFor: string) => {
    const csrf = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
    const response = await request.post('/api/auth/callback/credentials', {
      form: { csrfToken: csrf.csrfToken, email: user.email, password, callbackUrl: e2e.baseURL, json: 'true' },
      headers: { origin: e2e.baseURL, 'x-forwarded-for': forwardedFor, 'x-real-ip': forwardedFor },
      maxRedirects: 0,
    });
    return new URL(response.headers().location ?? ((await response.json()) as { url: string }).url, e2e.baseURL).searchParams.get('error');
  };
  try {
    // Five failures, each claiming another address: all count against the real one.
    for (let i = 1; i <= 5; i++) expect(await attempt(`wrong-${i}`, `203.0.113.${i}`)).toBe('CredentialsSignin');
    expect(await attempt(user.password, '203.0.113.77')).toBe('TooManyAttempts');
  } finally {
    await request.dispose();
  }
  const { rows } = await db.query<{ ip: string | null }>(
    `SELECT ip FROM audit_events WHERE id > $1 AND action = 'auth.sign_in' AND actor_email = $2 ORDER BY id`,
    [mark, user.email],
  );
  // Five failures, and the throttled attempt when it is the first signed-out denial from this
  // address in the minute (else it is counted for the minute's summary).
  expect(rows.length).toBeGreaterThanOrEqual(5);
  expect(rows.length).toBeLessThanOrEqual(6);
  for (const { ip } of rows) expect(['127.0.0.1', '::1']).toContain(ip);
});
