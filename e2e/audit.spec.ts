// The audit trail page: an auditor finds the events this run made by filtering (the
// filters live in the URL), sees who did what with which outcome, and expands an event
// to its before -> after. A viewer has no link to it, and the page shows them nothing;
// the data layer's refusal is itself audited.
import type { Locator, Page } from '@playwright/test';
import { environmentId, insertTeam, insertTeamMember, unique } from './support/db';
import { expect, test } from './support/fixtures';
import { buildServerActions, callServerAction } from './support/next-build';

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

test('an auditor filters the trail by action and actor, and expands an event to its changes', async ({
  db,
  e2e,
  signedInContext,
  auditEvents,
}) => {
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
  await expect(page).toHaveURL(
    (url) => url.searchParams.get('action') === 'secret.create' && url.searchParams.get('actor') === engineer.user.email,
  );
  // One <tbody> per event (its summary row and its detail row); changes tables nest their own.
  const rows = eventsTable(page).locator(':scope > tbody');
  await expect(rows).toHaveCount(1);
  const createRow = rows.first().getByRole('row').first();
  await expect(createRow).toContainText(engineer.user.email);
  await expect(createRow).toContainText('secret.create');
  await expect(createRow).toContainText(secretId);
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
  await expect(page).toHaveURL(
    (url) => url.searchParams.get('action') === 'secret.update' && url.searchParams.get('actor') === engineer.user.email,
  );
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
});

test('a viewer has no Audit trail link, and /audit shows them no events; the refusal is audited', async ({
  signedInContext,
  auditEvents,
  auditMark,
}) => {
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
