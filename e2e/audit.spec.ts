// The audit trail page: an auditor finds the events this run made by filtering (the
// filters live in the URL), sees who did what to which named target with which outcome,
// and expands an event to its before -> after. A malformed filter shows its problem and
// no events (the exports refuse it too). After the first load, filters and pages only
// fetch their events (/api/audit/events); back and forward restore each view. A viewer has no link to it, and the page shows
// them nothing; the data layer's refusal is itself audited. A bundle upload over the
// limit is refused even when sent chunked, without a Content-Length.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { environmentId, insertTeam, insertTeamMember, unique } from './support/db';
import { expect, test, SESSION_COOKIE } from './support/fixtures';
import { buildServerActions, callServerAction } from './support/next-build';
import { RESULTS_DIR } from './support/state';
import { uploadZip } from '../test/support/chunked-upload';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');
test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

const actionNamed = (name: string) => {
  const action = (buildServerActions() ?? []).find((a) => a.exportedName === name);
  if (!action) throw new Error(`${name} is not in the build`);
  return action;
};

async function filterAudit(page: Page, filters: { actor?: string; action?: string }) {
  const form = page.getByRole('search', { name: 'Filter audit events' });
  if (filters.actor !== undefined) await form.getByLabel('Actor').fill(filters.actor);
  if (filters.action !== undefined) await form.getByLabel('Action').selectOption(filters.action);
  await form.getByRole('button', { name: 'Apply filters' }).click();
}

/** One row of an expanded event's changes table: field, before, after. */
async function expectChange(table: Locator, field: string, before: string, after: string) {
  const row = table.getByRole('row').filter({ has: table.page().getByRole('rowheader', { name: field, exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('cell').nth(0)).toHaveText(before);
  await expect(row.getByRole('cell').nth(1)).toHaveText(after);
}

const eventsTable = (page: Page) => page.getByRole('table', { name: 'Audit events, newest first' });

test('an auditor filters the trail by action and actor, and expands an event to its changes', async ({ db, e2e, signedInContext, auditEvents }) => {
  // Events to look for: an engineer adds a secret, then reclassifies it.
  const engineer = await signedInContext('engineer');
  const team = await insertTeam(db, unique('e2e-audit-team'));
  await insertTeamMember(db, team.id, engineer.user.id); // reclassifying is for the owning team
  const name = unique('e2e-audit-secret');
  const fields = { name, environmentId: await environmentId(db, 'staging'), ownerTeamId: team.id, classification: 'important' };
  const created = await callServerAction(engineer.request, e2e.baseURL, actionNamed('createSecretAction'), [fields]);
  expect(created.result).toMatchObject({ ok: true });
  const secretId = (created.result as { id: string }).id;
  const updated = await callServerAction(engineer.request, e2e.baseURL, actionNamed('updateSecretAction'), [
    secretId,
    { ...fields, classification: 'critical' },
  ]);
  expect(updated.result).toMatchObject({ ok: true });
  const [createEvent] = await auditEvents({ action: 'secret.create', targetId: secretId });
  const [updateEvent] = await auditEvents({ action: 'secret.update', targetId: secretId });

  const auditor = await signedInContext('auditor');
  const page = await (await auditor.browserContext()).newPage();
  await page.goto('/inventory');
  await page.getByRole('navigation').getByRole('link', { name: 'Audit trail' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Audit trail' })).toBeVisible();
  // The tamper-evidence panel: the latest hash-chain verification (none, or the daily job's).
  await expect(page.getByRole('heading', { level: 2, name: /^Hash chain: (never verified|intact)$/ })).toBeVisible();

  // secret.create by this engineer: exactly the one event, with actor, target and outcome.
  await filterAudit(page, { action: 'secret.create', actor: engineer.user.email });
  await expect(page).toHaveURL((url) => url.searchParams.get('action') === 'secret.create' && url.searchParams.get('actor') === engineer.user.email);
  // One <tbody> per event (its summary row and its detail row); changes tables nest their own.
  const rows = eventsTable(page).locator(':scope > tbody');
  await expect(rows).toHaveCount(1);
  const createRow = rows.first().getByRole('row').first();
  await expect(createRow).toContainText(engineer.user.email);
  await expect(createRow).toContainText('secret.create');
  // The target by name, linked to the secret, its id on hover.
  const target = createRow.getByRole('link', { name, exact: true });
  await expect(target).toHaveAttribute('href', `/inventory/${secretId}`);
  await expect(target).toHaveAttribute('title', secretId);
  await expect(createRow).not.toContainText(secretId);
  await expect(createRow).toContainText('staging');
  await expect(createRow).toContainText('Success');

  // Expanded: the event id and the fields it set (before: none).
  await createRow.getByRole('button', { name: `Show details of event ${createEvent.id}` }).click();
  await expect(createRow.getByRole('button', { name: `Hide details of event ${createEvent.id}` })).toHaveAttribute('aria-expanded', 'true');
  const createChanges = rows.first().getByRole('table', { name: 'Changed fields, before and after' });
  await expectChange(createChanges, 'name', 'none', name);
  await expectChange(createChanges, 'classification', 'none', 'important');

  // secret.update: before -> after of the one field that changed.
  await filterAudit(page, { action: 'secret.update' });
  await expect(page).toHaveURL((url) => url.searchParams.get('action') === 'secret.update' && url.searchParams.get('actor') === engineer.user.email);
  await expect(rows).toHaveCount(1);
  const updateRow = rows.first().getByRole('row').first();
  await expect(updateRow).toContainText(engineer.user.email);
  await expect(updateRow).toContainText('Success');
  await updateRow.getByRole('button', { name: `Show details of event ${updateEvent.id}` }).click();
  const updateChanges = rows.first().getByRole('table', { name: 'Changed fields, before and after' });
  await expect(updateChanges.getByRole('row')).toHaveCount(2); // the header and classification
  await expectChange(updateChanges, 'classification', 'important', 'critical');

  // The URL is the view: a reload shows the same single event.
  await page.reload();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('secret.update');

  // The engineer's whole activity: secrets and the team by name, not as UUIDs.
  await page.goto(`/audit?actor=${encodeURIComponent(engineer.user.email)}`);
  await expect(eventsTable(page).getByRole('link', { name, exact: true }).first()).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'audit-target-names.png'), fullPage: true });
});

test('a malformed filter shows its problem and no events; the exports refuse it by name', async ({ signedInContext }) => {
  const auditor = await signedInContext('auditor');
  const page = await (await auditor.browserContext()).newPage();
  await page.goto('/audit?from=2026-02-30&outcome=bogus');
  const alert = page.getByRole('alert').filter({ hasText: 'No events are shown' });
  await expect(alert).toContainText('some filters are not valid');
  await expect(alert).toContainText('From: Use a date (YYYY-MM-DD) or an ISO time.');
  await expect(alert).toContainText('Outcome: Use success, denied or failed.');
  await expect(eventsTable(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Export CSV' })).toHaveCount(0);
  const form = page.getByRole('search', { name: 'Filter audit events' });
  await expect(form.getByLabel('Outcome')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Use success, denied or failed.')).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'audit-malformed-filter.png'), fullPage: true });
  // Clearing the filters shows the trail again.
  await alert.getByRole('link', { name: 'clear the filters' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(eventsTable(page)).toBeVisible();

  for (const [url, reason] of [
    ['/api/export/audit?format=csv&from=2026-02-30', 'from: Use a date (YYYY-MM-DD) or an ISO time.'],
    ['/api/export/audit?format=csv&to=garbage', 'to: Use a date (YYYY-MM-DD) or an ISO time.'],
    ['/api/export/audit?format=xml', 'format: Use csv or jsonl.'],
    ['/api/export/audit/bundle?outcome=bogus', 'outcome: Use success, denied or failed.'],
  ]) {
    const response = await auditor.request.get(url);
    expect(response.status(), url).toBe(400);
    expect(((await response.json()) as { error: string }).error, url).toContain(reason);
  }
});

test('filtering and paging fetch only the events, the URL follows, and back and forward restore each view', async ({ signedInContext }) => {
  // 55 refused reads of the trail by one viewer: a first page of 50 and an older one of 5.
  const viewer = await signedInContext('viewer');
  for (let i = 0; i < 55; i++) expect((await viewer.request.get('/api/audit/events')).status()).toBe(403);

  const page = await (await (await signedInContext('auditor')).browserContext()).newPage();
  const requests: { path: string; rsc: boolean; prefetch: boolean }[] = [];
  page.on('request', (request) => {
    const headers = request.headers();
    requests.push({ path: new URL(request.url()).pathname, rsc: headers.rsc === '1', prefetch: Boolean(headers['next-router-prefetch']) });
  });
  const rows = eventsTable(page).locator(':scope > tbody');
  const form = page.getByRole('search', { name: 'Filter audit events' });
  const chain = page.getByRole('heading', { level: 2, name: /^Hash chain: / });

  await page.goto('/audit');
  await expect(chain).toBeVisible();
  await page.waitForLoadState('networkidle');
  await filterAudit(page, { actor: viewer.user.email, action: 'audit.list' });
  await expect(page).toHaveURL((url) => url.searchParams.get('actor') === viewer.user.email && url.searchParams.get('action') === 'audit.list');
  await expect(rows).toHaveCount(50);
  await expect(page.getByText('50 events on this page')).toBeVisible();
  // The exports follow the filters in the URL.
  await expect(page.getByRole('region', { name: 'Export' })).toContainText('Export the events matching these filters');

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Older events' }).click();
  await expect(page).toHaveURL((url) => url.searchParams.has('after') && url.searchParams.get('actor') === viewer.user.email);
  await expect(rows).toHaveCount(5);
  await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Newest' })).toBeVisible();
  await expect(page.locator('[aria-busy="true"]'), 'nothing is loading any more').toHaveCount(0);

  // Back to the first page, back to the whole trail, forward to the filtered view again.
  await page.goBack();
  await expect(page).toHaveURL((url) => !url.searchParams.has('after') && url.searchParams.get('action') === 'audit.list');
  await expect(rows).toHaveCount(50);
  await page.goBack();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(form.getByLabel('Actor'), 'the filters show the view back too').toHaveValue('');
  await expect(page.getByRole('region', { name: 'Export' })).toContainText('Export every event');
  await page.goForward();
  await expect(rows).toHaveCount(50);
  await expect(form.getByLabel('Actor')).toHaveValue(viewer.user.email);
  await expect(form.getByLabel('Action')).toHaveValue('audit.list');

  // A malformed filter submitted from the form: the same alert as on a first load, no events.
  await form.getByLabel('Target type').fill('Not A Type');
  await form.getByRole('button', { name: 'Apply filters' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'No events are shown' });
  await expect(alert).toContainText('a filter is not valid');
  await expect(alert).toContainText('Target type: Use a target type such as secret (lower case).');
  await expect(form.getByLabel('Target type')).toHaveAttribute('aria-invalid', 'true');
  await expect(eventsTable(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Export CSV' })).toHaveCount(0);
  await alert.getByRole('link', { name: 'clear the filters' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(eventsTable(page)).toBeVisible();
  await expect(alert).toHaveCount(0);
  await expect(form.getByLabel('Target type')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Target type')).toHaveValue('');
  // The server-rendered parts stayed as they were.
  await expect(chain).toBeVisible();

  // Only the views were fetched: the page was never rendered again on the server.
  const views = requests.filter((r) => r.path === '/api/audit/events');
  expect(views.length, 'views fetched from /api/audit/events').toBeGreaterThanOrEqual(6);
  expect(requests.filter((r) => r.path === '/audit' && r.rsc && !r.prefetch)).toEqual([]);
});

// Not in a browser without JavaScript: the dashboard's loading screens (loading.tsx) stream
// the page in with an inline script, so a browser without it shows the loading screen.
test('without JavaScript the filter form and the pager are plain GET requests for the page', async ({ signedInContext }) => {
  const viewer = await signedInContext('viewer');
  for (let i = 0; i < 51; i++) expect((await viewer.request.get('/api/audit/events')).status()).toBe(403);
  const auditor = await signedInContext('auditor');
  const eventsIn = (html: string) => html.match(/id="event-\d+-detail"/g)?.length ?? 0;

  // What the form submits without JavaScript: every field, blank ones too.
  const submitted = new URLSearchParams({
    actor: viewer.user.email,
    action: 'audit.list',
    targetType: '',
    targetId: '',
    environment: '',
    outcome: '',
    from: '',
    to: '',
  });
  const html = await (await auditor.request.get(`/audit?${submitted}`)).text();
  const form = /<form[^>]*role="search"[^>]*>/.exec(html)?.[0];
  expect(form).toContain('method="get"');
  expect(form).toContain('action="/audit"');
  expect(eventsIn(html)).toBe(50);
  const older = /href="(\/audit\?[^"]*after=[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  expect(older, 'the pager links to the older events').toBeDefined();
  expect(eventsIn(await (await auditor.request.get(older!)).text())).toBe(1);
});

test('a bundle upload over 10 MB sent chunked (no Content-Length) is refused with 413', async ({ e2e, signedInContext }) => {
  const auditor = await signedInContext('auditor');
  const { cookies } = await auditor.request.storageState();
  const session = cookies.find((c) => c.name === SESSION_COOKIE)!;
  const result = await uploadZip(`${e2e.baseURL}/api/audit/verify-bundle`, 16 * 1024 * 1024, {
    chunked: true,
    headers: { origin: e2e.baseURL, cookie: `${session.name}=${session.value}` },
  });
  expect(result.status).toBe(413);
  expect(JSON.parse(result.body)).toEqual({ error: 'The bundle is larger than 10 MB: verify it with `npm run audit:verify-bundle <file>` instead.' });
});

test('a viewer has no Audit trail link, and /audit shows them no events; the refusal is audited', async ({ signedInContext, auditEvents, auditMark }) => {
  const viewer = await signedInContext('viewer');
  const page = await (await viewer.browserContext()).newPage();
  await page.goto('/inventory');
  const nav = page.getByRole('navigation').first();
  await expect(nav.getByRole('link', { name: 'Inventory' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Audit trail' })).toHaveCount(0);

  const mark = await auditMark();
  const response = await page.goto('/audit');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: 'Audit trail' })).toBeVisible();
  await expect(page.getByText('Only auditors and administrators can read the audit trail.')).toBeVisible();
  await expect(eventsTable(page)).toHaveCount(0);
  await expect(page.getByRole('search', { name: 'Filter audit events' })).toHaveCount(0);
  await expect(page.getByText(viewer.user.email)).toHaveCount(0);

  expect(await auditEvents({ afterId: mark, actorId: viewer.user.id })).toMatchObject([
    { action: 'audit.list', outcome: 'denied', actorRole: 'viewer', targetType: 'audit_event', detail: { permission: 'audit.read' } },
  ]);
});
