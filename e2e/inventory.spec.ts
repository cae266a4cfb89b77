// The inventory through the real UI: an engineer builds a secret from a team and a
// system made in the browser, finds it again with the list's search and filters (the
// URL carries them), and reads its history; user text stays text. A viewer reads the
// same pages without any way to change them, and the actions refuse them regardless.
// A shared filtered link survives the sign-in; an unknown secret gets the dashboard's own
// not-found page; pages show a skeleton while they load; every page finds its icon.
// Screenshots of the not-found page and the skeleton go to test-results/screenshots/.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { environmentId, insertSecret, insertSystem, insertTeam, snapshotTables, unique, type Db } from './support/db';
import { expect, test } from './support/fixtures';
import { buildServerActions, callServerAction } from './support/next-build';
import { RESULTS_DIR } from './support/state';

// Screenshots for people to look at (not compared).
const SHOTS = path.join(RESULTS_DIR, 'screenshots');

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const XSS = '<img src=x onerror=alert(1)>';

const isoDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

async function secretCount(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM secrets');
  return rows[0].n;
}

/** Dialogs a page opens (an injected alert() would be one); each is dismissed and remembered. */
function watchDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on('dialog', (dialog) => {
    seen.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return seen;
}

const resultsTable = (page: Page) => page.getByRole('table', { name: 'Secrets in this view' });

test('an engineer adds a secret with a consuming system, finds it with search and filters, and reads its history', async ({ page, db, seedUser, signIn }) => {
  const dialogs = watchDialogs(page);
  const engineer = await seedUser('engineer');
  await signIn(page, engineer.email, engineer.password);
  await expect(page).toHaveURL(/\/inventory$/);

  // A team and a system, made through their forms.
  const teamName = unique('e2e-inv-team');
  await page.goto('/teams/new');
  await page.getByLabel('Name').fill(teamName);
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page).toHaveURL(new RegExp(`/teams/${UUID}$`));

  const systemName = unique('e2e-inv-system');
  await page.goto('/systems/new');
  await page.getByLabel('Name').fill(systemName);
  await page.getByLabel('Owner team').selectOption({ label: teamName });
  await page.getByRole('button', { name: 'Create system' }).click();
  await expect(page).toHaveURL(new RegExp(`/systems/${UUID}$`));

  // An empty submit: a message under each required field, focus on the first, nothing written.
  const countBefore = await secretCount(db);
  await page.goto('/inventory/new');
  await page.getByRole('button', { name: 'Add secret' }).click();
  await expect(page.getByText('Enter a name')).toBeVisible();
  await expect(page.getByText('Choose an environment')).toBeVisible();
  await expect(page.getByText('Choose a classification')).toBeVisible();
  await expect(page.getByText('Choose the owning team')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toBeFocused();
  await expect(page).toHaveURL(/\/inventory\/new$/);
  expect(await secretCount(db), 'a refused submit wrote a secret').toBe(countBefore);

  // The real submit. Rotated 200 days ago every 90 days: overdue.
  const secretName = unique('e2e-inv-secret');
  const description = `Signs payment webhooks ${XSS}`;
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(secretName);
  await page.getByLabel('Description').fill(description);
  await page.getByLabel('Environment').selectOption({ label: 'production' });
  await page.getByLabel('Classification').selectOption({ label: 'Critical' });
  await page.getByLabel('Owner team').selectOption({ label: teamName });
  await page.getByLabel('Last rotated').fill(isoDay(200));
  await page.getByLabel('Rotation interval (days)').fill('90');
  const systems = page.getByRole('combobox', { name: 'Consuming systems' });
  await systems.fill(systemName);
  await page.getByRole('option', { name: systemName }).click();
  await expect(page.getByRole('list', { name: 'Chosen consuming systems' })).toContainText(systemName);
  await page.getByLabel('Tags').fill('pci, e2e');
  await page.getByRole('button', { name: 'Add secret' }).click();

  await expect(page).toHaveURL(new RegExp(`/inventory/${UUID}$`));
  const secretId = new URL(page.url()).pathname.split('/').pop()!;
  await expect(page.getByRole('heading', { level: 1, name: secretName })).toBeVisible();

  // What the database holds is what was typed.
  const { rows } = await db.query(
    `SELECT s.name, s.description, s.classification, s.rotation_interval_days, e.name AS environment, t.name AS team,
            array(SELECT sy.name FROM secret_consumers c JOIN systems sy ON sy.id = c.system_id WHERE c.secret_id = s.id) AS consumers
       FROM secrets s JOIN environments e ON e.id = s.environment_id JOIN teams t ON t.id = s.owner_team_id
      WHERE s.id = $1`,
    [secretId],
  );
  expect(rows).toEqual([
    {
      name: secretName,
      description,
      classification: 'critical',
      rotation_interval_days: 90,
      environment: 'production',
      team: teamName,
      consumers: [systemName],
    },
  ]);

  // The detail page: the description is text (in Details and in the create event), no
  // element was made from it, no dialog opened.
  await expect(page.getByText(description, { exact: true })).toHaveCount(2);
  await expect(page.getByRole('paragraph').getByText(description, { exact: true })).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.getByRole('link', { name: systemName })).toHaveAttribute('href', new RegExp(`/systems/${UUID}$`));
  const history = page.locator('#history');
  const created = history.getByRole('listitem').filter({ hasText: 'Created' });
  await expect(created).toHaveCount(1);
  await expect(created).toContainText(engineer.email);
  await expect(created).toContainText('Success');
  await expect(created).toContainText(secretName);
  await expect(created.getByText(description, { exact: true })).toBeVisible();

  // The list shows it; a search by name narrows the list to it, in the URL.
  await page.goto('/inventory');
  await expect(resultsTable(page).getByRole('link', { name: secretName })).toBeVisible();
  const filters = page.getByRole('search', { name: 'Filter secrets' });
  await filters.getByLabel('Search').fill(secretName);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('q') === secretName);
  await expect(resultsTable(page).locator('tbody tr')).toHaveCount(1);
  await expect(resultsTable(page).getByRole('link', { name: secretName })).toBeVisible();

  // Classification, environment and due on top of the search.
  await filters.getByLabel('Classification').selectOption({ label: 'Critical' });
  await filters.getByLabel('Environment').selectOption({ label: 'production' });
  await filters.getByLabel('Rotation').selectOption({ label: 'Overdue' });
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(
    (url) =>
      url.searchParams.get('q') === secretName &&
      url.searchParams.get('classification') === 'critical' &&
      url.searchParams.get('env') === 'production' &&
      url.searchParams.get('due') === 'overdue',
  );
  await expect(resultsTable(page).locator('tbody tr')).toHaveCount(1);
  await expect(resultsTable(page).getByRole('link', { name: secretName })).toBeVisible();

  // The URL is the view: loading it again (as a shared link would) shows the same thing.
  const shared = page.url();
  await page.goto('about:blank');
  await page.goto(shared);
  await expect(resultsTable(page).locator('tbody tr')).toHaveCount(1);
  await expect(resultsTable(page).getByRole('link', { name: secretName })).toBeVisible();
  await expect(filters.getByLabel('Search')).toHaveValue(secretName);
  await expect(filters.getByLabel('Classification')).toHaveValue('critical');
  await expect(filters.getByLabel('Environment')).toHaveValue('production');
  await expect(filters.getByLabel('Rotation')).toHaveValue('overdue');

  // A filter it does not match empties the view.
  const other = new URL(shared);
  other.searchParams.set('classification', 'sensitive');
  await page.goto(other.toString());
  await expect(page.getByText('No secrets match these filters')).toBeVisible();
  await expect(resultsTable(page)).toHaveCount(0);

  expect(dialogs, 'a dialog opened: user text ran as markup').toEqual([]);
});

test('a viewer reads the list and the detail page but has no way to change a secret', async ({ db, e2e, signedInContext, auditEvents, auditMark }) => {
  const team = await insertTeam(db, unique('e2e-viewer-team'));
  await insertSystem(db, team.id);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db), name: unique('e2e-viewer-secret') });
  const viewer = await signedInContext('viewer');
  const page = await (await viewer.browserContext()).newPage();
  const dialogs = watchDialogs(page);

  await page.goto(`/inventory?q=${secret.name}`);
  await expect(resultsTable(page).getByRole('link', { name: secret.name })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Export CSV' })).toBeVisible(); // viewers may export
  await expect(page.getByRole('link', { name: 'Add secret' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Import CSV' })).toHaveCount(0);

  await resultsTable(page).getByRole('link', { name: secret.name }).click();
  await expect(page).toHaveURL(new RegExp(`/inventory/${secret.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: secret.name })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Decommission' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Decommission/ })).toHaveCount(0);

  // Typing the form URLs shows why there is no form, not a form that fails on save.
  for (const path of ['/inventory/new', `/inventory/${secret.id}/edit`]) {
    await page.goto(path);
    await expect(page.getByText('Your role can read the inventory but not change it.'), path).toBeVisible();
    await expect(page.getByRole('button', { name: /Add secret|Save changes/ }), path).toHaveCount(0);
    await expect(page.getByRole('textbox', { name: 'Name', exact: true }), path).toHaveCount(0);
  }

  // And the actions behind those forms, called with the viewer's session as a crafted
  // request would, refuse and change nothing.
  const actions = buildServerActions() ?? [];
  const create = actions.find((a) => a.exportedName === 'createSecretAction')!;
  const update = actions.find((a) => a.exportedName === 'updateSecretAction')!;
  const before = await snapshotTables(db, ['secrets', 'secret_consumers']);
  const mark = await auditMark();
  const fields = { name: unique('viewer-made'), environmentId: await environmentId(db), ownerTeamId: team.id, classification: 'important' };
  const made = await callServerAction(viewer.request, e2e.baseURL, create, [fields]);
  const edited = await callServerAction(viewer.request, e2e.baseURL, update, [secret.id, { ...fields, name: unique('viewer-renamed') }]);
  for (const outcome of [made, edited]) {
    expect(outcome.result).toEqual({ ok: false, error: 'You do not have permission to do that.' });
  }
  expect(await snapshotTables(db, ['secrets', 'secret_consumers']), 'a refused action changed the inventory').toEqual(before);
  const denied = await auditEvents({ afterId: mark, actorId: viewer.user.id, outcome: 'denied' });
  expect(denied.map((e) => [e.action, e.detail?.permission])).toEqual([
    ['secret.create', 'secrets.write'],
    ['secret.update', 'secrets.write'],
  ]);
  expect(denied[1].targetId).toBe(secret.id);
  expect(dialogs).toEqual([]);
});

test('a shared link to a filtered view, opened signed out, lands on that view after sign-in', async ({ page, db, seedUser }) => {
  const term = unique('e2e-payments');
  const team = await insertTeam(db);
  const inProduction = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db, 'production'), name: `${term}-db` });
  await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db, 'staging'), name: `${term}-api` });
  const user = await seedUser('viewer');

  const shared = `/inventory?env=production&q=${term}`;
  await page.goto(shared);
  await expect(page).toHaveURL((url) => url.pathname === '/sign-in' && url.searchParams.get('callbackUrl') === shared);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  await expect(page).toHaveURL((url) => `${url.pathname}${url.search}` === shared);
  await expect(resultsTable(page).locator('tbody tr')).toHaveCount(1);
  await expect(resultsTable(page).getByRole('link', { name: inProduction.name })).toBeVisible();
  await expect(page.getByRole('search', { name: 'Filter secrets' }).getByLabel('Environment')).toHaveValue('production');
});

test("an unknown secret shows the dashboard's not-found page, with the way back to the inventory", async ({ signedInContext }) => {
  const page = await (await (await signedInContext('viewer')).browserContext()).newPage();
  for (const missing of [`/inventory/${randomUUID()}`, `/inventory/${randomUUID()}/manage`, '/inventory/not-an-id']) {
    const response = await page.goto(missing);
    // A real 404 (no loading skeleton streams the page ahead of notFound()).
    expect(response?.status(), missing).toBe(404);
    await expect(page.getByRole('heading', { name: 'This secret does not exist' }), missing).toBeVisible();
    await expect(page.getByText('This page could not be found'), missing).toHaveCount(0); // Next's bare 404
    await expect(page.getByRole('navigation', { name: 'Main' }), missing).toBeVisible(); // still inside the dashboard
  }
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'secret-not-found.png'), fullPage: true });
  await page.getByRole('link', { name: 'All secrets' }).click();
  await expect(page).toHaveURL(/\/inventory$/);
  await expect(resultsTable(page)).toBeVisible();
});

test('moving between dashboard pages shows a labelled skeleton until the page has its data', async ({ signedInContext }) => {
  const page = await (await (await signedInContext('viewer')).browserContext()).newPage();
  // Hold the inventory's navigation response (not its prefetch, which brings the skeleton
  // itself) until the skeleton has been seen: a slow database, made on purpose.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const prefetched: string[] = [];
  // A response, not a finished request: the router stops reading a prefetch once it has
  // the part it keeps (up to the loading boundary), which ends the request as aborted.
  page.on('response', (response) => {
    const request = response.request();
    if (request.headers()['next-router-prefetch'] && new URL(request.url()).pathname === '/inventory' && response.ok()) prefetched.push(request.url());
  });
  await page.route(
    (url) => url.pathname === '/inventory',
    async (route) => {
      const headers = route.request().headers();
      if (headers.rsc === '1' && !headers['next-router-prefetch']) await released;
      await route.continue();
    },
  );

  await page.goto('/teams');
  await expect(page.getByRole('heading', { level: 1, name: 'Teams' })).toBeVisible();
  // The router may prefetch the links more than once while the page settles, dropping the
  // earlier round; wait until it is done, then for a prefetch of the Inventory.
  await page.waitForLoadState('networkidle');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).hover();
  await expect.poll(() => prefetched.length, { message: 'the Inventory link was never prefetched' }).toBeGreaterThan(0);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).click();

  const loading = page.getByRole('status', { name: 'Loading the inventory…' });
  await expect(loading).toBeVisible();
  await expect(loading).toHaveAttribute('aria-busy', 'true');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible(); // the frame stays; only the page waits
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'inventory-loading.png'), fullPage: true });

  release();
  await expect(resultsTable(page)).toBeVisible();
  await expect(loading).toHaveCount(0);
});

test('every page load finds its icon: no request answers 404', async ({ page, signedInContext }) => {
  const missing: string[] = [];
  const watch = (p: Page) => p.on('response', (response) => void (response.status() === 404 && missing.push(response.url())));
  watch(page);
  await page.goto('/sign-in');
  const href = await page.locator('link[rel="icon"]').first().getAttribute('href');
  expect(href, 'the page names no icon').toMatch(/^\/icon\.svg(\?|$)/);
  const icon = await page.request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');

  const signedIn = await (await (await signedInContext('viewer')).browserContext()).newPage();
  watch(signedIn);
  for (const p of ['/', '/inventory', '/teams']) {
    await signedIn.goto(p);
    await expect(signedIn.locator('link[rel="icon"]')).toHaveAttribute('href', href!);
  }
  expect(missing).toEqual([]);
});

test('a filter change fetches only the rows, updates the URL, and back and forward restore the views', async ({ db, signedInContext }) => {
  const term = unique('e2e-nav');
  const team = await insertTeam(db);
  const inProduction = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db, 'production'), name: `${term}-a` });
  const inStaging = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db, 'staging'), name: `${term}-b` });
  const page = await (await (await signedInContext('viewer')).browserContext()).newPage();
  const requests: { path: string; rsc: boolean; prefetch: boolean }[] = [];
  page.on('request', (request) => {
    const headers = request.headers();
    requests.push({ path: new URL(request.url()).pathname, rsc: headers.rsc === '1', prefetch: Boolean(headers['next-router-prefetch']) });
  });
  const rows = resultsTable(page).getByRole('link', { name: new RegExp(`^${term}`) });

  await page.goto(`/inventory?q=${term}`);
  await expect(rows).toHaveText([inProduction.name, inStaging.name]);
  await page.waitForLoadState('networkidle');
  const filters = page.getByRole('search', { name: 'Filter secrets' });
  await filters.getByLabel('Environment').selectOption({ label: 'production' });
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('q') === term && url.searchParams.get('env') === 'production');
  await expect(rows).toHaveText([inProduction.name]);

  // The sort header, then back twice and forward once: each view's rows come back.
  await resultsTable(page).getByRole('link', { name: /^Name/ }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('sort') === '-name' && url.searchParams.get('env') === 'production');
  await page.goBack();
  await expect(page).toHaveURL((url) => url.searchParams.get('env') === 'production' && !url.searchParams.has('sort'));
  await expect(rows).toHaveText([inProduction.name]);
  await page.goBack();
  await expect(page).toHaveURL((url) => url.searchParams.get('q') === term && !url.searchParams.has('env'));
  await expect(rows).toHaveText([inProduction.name, inStaging.name]);
  await expect(filters.getByLabel('Environment'), 'the filters show the view back too').toHaveValue('');
  await page.goForward();
  await expect(rows).toHaveText([inProduction.name]);
  await expect(filters.getByLabel('Environment')).toHaveValue('production');
  await expect(filters.getByLabel('Search')).toHaveValue(term);

  // Only the rows were fetched: no render of the page on the server, and no prefetch of
  // each row's or sort header's page.
  const views = requests.filter((r) => r.path === '/api/inventory/rows');
  expect(views.length, 'views fetched from /api/inventory/rows').toBeGreaterThanOrEqual(4);
  expect(requests.filter((r) => r.path === '/inventory' && r.rsc && !r.prefetch)).toEqual([]);
  expect(requests.filter((r) => r.prefetch && r.path.startsWith('/inventory/'))).toEqual([]);
});

test('the consuming-system filter shows the view it belongs to after back and forward', async ({ db, signedInContext }) => {
  const team = await insertTeam(db);
  const [first, second] = [await insertSystem(db, team.id, unique('e2e-billing-api')), await insertSystem(db, team.id, unique('e2e-ledger-worker'))];
  const page = await (await (await signedInContext('viewer')).browserContext()).newPage();
  const filters = page.getByRole('search', { name: 'Filter secrets' });
  const system = filters.getByRole('combobox', { name: 'Consuming system' });

  await page.goto(`/inventory?system=${first.id}`);
  await expect(system).toHaveValue(first.name);
  await page.waitForLoadState('networkidle');
  await system.fill(second.name);
  await page.getByRole('option', { name: second.name }).click();
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('system') === second.id);

  await page.goBack();
  await expect(page).toHaveURL((url) => url.searchParams.get('system') === first.id);
  await expect(system, 'the URL system, not the one picked last').toHaveValue(first.name);
  await page.goForward();
  await expect(system).toHaveValue(second.name);
});
