// Security properties of the production server as a browser sees them: headers,
// cookie flags, the health endpoint, and a CSP strict enough to matter that still
// lets the app's own scripts run.
import type { APIResponse, Response } from '@playwright/test';
import { expect, SESSION_COOKIE, test } from './support/fixtures';

function expectSecurityHeaders(response: Response | APIResponse, what: string) {
  const headers = response.headers();
  const csp = headers['content-security-policy'];
  expect(csp, `${what}: Content-Security-Policy`).toBeTruthy();
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values] as const),
  );
  expect(directives.get('frame-ancestors'), `${what}: frame-ancestors`).toEqual(["'none'"]);
  expect(csp, `${what}: no eval in production`).not.toContain("'unsafe-eval'");
  expect(directives.get('script-src'), `${what}: inline scripts only by nonce`).not.toContain("'unsafe-inline'");
  expect(
    directives.get('script-src')?.some((v) => v.startsWith("'nonce-")),
    `${what}: script nonce`,
  ).toBe(true);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(headers['referrer-policy'], `${what}: Referrer-Policy`).toBe('no-referrer');
  expect(headers['x-content-type-options'], `${what}: X-Content-Type-Options`).toBe('nosniff');
  expect(headers['x-frame-options'], `${what}: X-Frame-Options`).toBe('DENY');
  expect(headers['x-powered-by'], `${what}: no X-Powered-By`).toBeUndefined();
}

test('pages and API responses carry the security headers', async ({ page, request }) => {
  const pageResponse = await page.goto('/sign-in');
  expectSecurityHeaders(pageResponse!, 'GET /sign-in');
  expectSecurityHeaders(await request.get('/api/health'), 'GET /api/health');
});

test('GET /api/health reports the server and its database as up, uncached', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  expect(response.headers()['cache-control']).toContain('no-store');
});

test('the session cookie is HttpOnly and SameSite=Lax', async ({ page, context, seedUser, signIn }) => {
  const user = await seedUser('viewer');
  await signIn(page, user.email, user.password);
  await expect(page).toHaveURL(/\/inventory$/);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === SESSION_COOKIE);
  expect(session, `cookies set: ${cookies.map((c) => c.name).join(', ')}`).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  for (const cookie of cookies.filter((c) => c.name.startsWith('next-auth.'))) {
    expect(cookie.httpOnly || cookie.name === 'next-auth.callback-url', `${cookie.name} is HttpOnly`).toBe(true);
  }
});

test('the app runs under its CSP without a single violation', async ({ page, seedUser, signIn }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  await page.exposeFunction('__reportCspViolation', (text: string) => violations.push(`event: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCspViolation: (t: string) => void }).__reportCspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });

  // Sign-in only works when the page's scripts run (the form submits through next-auth's client).
  const user = await seedUser('engineer');
  await signIn(page, user.email, user.password);
  await expect(page).toHaveURL(/\/inventory$/);
  await page.goto('/teams'); // a dashboard page: layout, navigation, list
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.goto('/sign-in'); // signed in: redirected onward by the server
  await page.goto('/setup'); // closed: redirected to sign-in, then onward
  await page.waitForLoadState('networkidle');
  expect(violations).toEqual([]);
});

test("route handlers refuse what another site made the browser send (403, audited) and serve the dashboard's own requests", async ({
  e2e,
  signedInContext,
  auditEvents,
  auditMark,
}) => {
  const auditor = await signedInContext('auditor');
  const mark = await auditMark();
  const evil = 'https://evil.example';
  const refused: { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; reason: string }[] = [
    { method: 'GET', path: '/api/export/audit?format=jsonl', headers: { 'sec-fetch-site': 'cross-site' }, reason: 'cross_site_fetch' },
    { method: 'GET', path: '/api/export/audit/bundle', headers: { origin: evil }, reason: 'foreign_origin' },
    { method: 'GET', path: '/api/export/access?format=csv', headers: { 'sec-fetch-site': 'same-site' }, reason: 'cross_site_fetch' },
    { method: 'GET', path: '/api/export/inventory', headers: { origin: evil, 'sec-fetch-site': 'cross-site' }, reason: 'cross_site_fetch' },
    { method: 'POST', path: '/api/audit/verify-bundle', headers: { origin: evil }, reason: 'foreign_origin' },
    { method: 'POST', path: '/api/audit/verify-bundle', headers: {}, reason: 'missing_origin' },
    { method: 'POST', path: '/api/auth/signout', headers: { origin: 'null' }, reason: 'foreign_origin' },
    // The leak check's browser calls (a bearer token, the CLI's way, carries no cookie to forge).
    { method: 'POST', path: '/api/leak-check/upload?source=paste', headers: { origin: evil, 'sec-fetch-site': 'cross-site' }, reason: 'cross_site_fetch' },
    { method: 'POST', path: '/api/leak-check/scans', headers: {}, reason: 'missing_origin' },
  ];
  for (const r of refused) {
    const response = await auditor.request.fetch(r.path, { method: r.method, headers: r.headers, maxRedirects: 0 });
    expect(response.status(), `${r.method} ${r.path} ${JSON.stringify(r.headers)}`).toBe(403);
  }
  // The forged sign-out did nothing.
  const session = (await (await auditor.request.get('/api/auth/session')).json()) as { user?: { id?: string } };
  expect(session.user?.id).toBe(auditor.user.id);

  expect(await auditEvents({ afterId: mark, action: 'request.cross_site' })).toMatchObject(
    refused.map((r) => ({
      outcome: 'denied',
      actorId: auditor.user.id,
      targetType: 'route',
      targetId: `${r.method} ${r.path.split('?')[0]}`,
      detail: { reason: r.reason },
    })),
  );

  // The same routes, asked by the dashboard's own pages, answer.
  const own = await auditor.request.get('/api/export/audit?format=jsonl', { headers: { 'sec-fetch-site': 'same-origin' } });
  expect(own.status()).toBe(200);
  const upload = await auditor.request.post('/api/audit/verify-bundle', {
    headers: { origin: e2e.baseURL, 'sec-fetch-site': 'same-origin' },
    data: Buffer.alloc(0),
  });
  expect(upload.status()).toBe(200);
});
