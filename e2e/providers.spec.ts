// Provider connections through the real UI: an administrator adds an AWS and a local
// connection (meeting a field error on the way), edits one, tests and deletes one; an
// engineer then points a secret at a connection. Other roles get no access to the
// settings pages. Screenshots of the list and edit pages go to test-results/screenshots.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import PgBoss from 'pg-boss';
import { environmentId, insertConnection, insertSecret, insertTeam, unique, type Db } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR, WORKER_LOG } from './support/state';

const UUID_PATH = /\/settings\/providers\/([0-9a-f-]{36})$/;
// Screenshots for people to look at (not compared): test-results/screenshots/.
const SHOTS = path.join(RESULTS_DIR, 'screenshots');

async function connectionRow(db: Db, name: string) {
  const { rows } = await db.query<{ id: string; kind: string; region: string | null; role_arn: string | null; endpoint: string | null }>(
    'SELECT id, kind, region, role_arn, endpoint FROM provider_connections WHERE name = $1',
    [name],
  );
  return rows[0];
}

test('an administrator creates, edits, tests and deletes provider connections', async ({ page, db, seedUser, signIn, auditEvents }) => {
  // The kind switch is client code; it must run under the CSP (no zod, no eval) without a complaint.
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  const admin = await seedUser('admin');
  await signIn(page, admin.email, admin.password);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Providers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Provider connections' })).toBeVisible();
  await expect(page.getByText('The dashboard stores no cloud credentials')).toBeVisible();

  // An empty submit: every missing field says so at once (not only the kind), focus on the first.
  const countBefore = (await db.query('SELECT 1 FROM provider_connections')).rowCount;
  await page.getByRole('link', { name: 'New connection' }).first().click();
  await page.getByRole('button', { name: 'Create connection' }).click();
  await expect(page.getByText('Choose the kind of connection: AWS, GCP or local development')).toBeVisible();
  await expect(page.getByText('Enter a name')).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Kind')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Name')).toBeFocused();
  // With a kind chosen, its own required field joins the name.
  await page.getByLabel('Kind').selectOption('aws');
  await page.getByRole('button', { name: 'Create connection' }).click();
  await expect(page.getByText('Enter the AWS region, e.g. eu-west-1')).toBeVisible();
  await expect(page.getByText('Enter a name')).toBeVisible();
  expect((await db.query('SELECT 1 FROM provider_connections')).rowCount, 'an empty submit wrote a connection').toBe(countBefore);

  // AWS: a bad region is explained under its field, focus goes there, nothing is written.
  const awsName = unique('AWS production');
  await page.getByLabel('Name').fill(awsName);
  await page.getByLabel('Kind').selectOption('aws');
  await expect(page.getByLabel('Project id')).toHaveCount(0);
  await page.getByLabel('Region').fill('Europe (Ireland)');
  await page.getByLabel('Role to assume').fill('arn:aws:iam::123456789012:role/secrets-dashboard');
  await page.getByRole('button', { name: 'Create connection' }).click();
  const region = page.getByLabel('Region');
  await expect(page.getByText('Use an AWS region code such as us-east-1, eu-central-2 or us-gov-west-1')).toBeVisible();
  await expect(region).toHaveAttribute('aria-invalid', 'true');
  await expect(region).toBeFocused();
  expect(await connectionRow(db, awsName)).toBeUndefined();

  // Corrected with the keyboard: type, then Enter submits the form.
  await region.fill('eu-west-1');
  await region.press('Enter');
  await expect(page).toHaveURL(UUID_PATH);
  const awsId = UUID_PATH.exec(page.url())![1];
  expect(await connectionRow(db, awsName)).toEqual({
    id: awsId,
    kind: 'aws',
    region: 'eu-west-1',
    role_arn: 'arn:aws:iam::123456789012:role/secrets-dashboard',
    endpoint: null,
  });

  // Local: only a name, and the form says it is for development.
  const localName = unique('Local dev');
  await page.goto('/settings/providers/new');
  await page.getByLabel('Name').fill(localName);
  await page.getByLabel('Kind').selectOption('local');
  await expect(page.getByLabel('Region')).toHaveCount(0);
  await expect(page.getByText('Do not use it for real secrets')).toBeVisible();
  await page.getByRole('button', { name: 'Create connection' }).click();
  await expect(page).toHaveURL(UUID_PATH);
  const localId = UUID_PATH.exec(page.url())![1];

  // The list: kinds as badges, the local one marked development only.
  await page.goto('/settings/providers');
  const table = page.getByRole('table', { name: 'Provider connections' });
  const awsRow = table.getByRole('row').filter({ hasText: awsName });
  const localRow = table.getByRole('row').filter({ hasText: localName });
  await expect(awsRow).toContainText('AWS');
  await expect(awsRow).toContainText('eu-west-1');
  await expect(awsRow).not.toContainText('Development only');
  await expect(localRow).toContainText('Local');
  await expect(localRow).toContainText('Development only');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/providers-list.png`, fullPage: true });

  // Edit the AWS connection: a new region and an endpoint override.
  await awsRow.getByRole('link', { name: awsName }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/providers/${awsId}$`));
  await page.getByLabel('Region').fill('eu-central-2');
  await page.getByLabel('Endpoint override').fill('https://vpce-0a1b.secretsmanager.eu-central-2.vpce.amazonaws.com');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  expect(await connectionRow(db, awsName)).toMatchObject({
    region: 'eu-central-2',
    endpoint: 'https://vpce-0a1b.secretsmanager.eu-central-2.vpce.amazonaws.com',
  });
  const updates = await auditEvents({ action: 'provider_connection.update', actorId: admin.id });
  expect(updates.map((e) => e.targetId)).toEqual([awsId]);

  // Test the local connection (no network): the verdict appears in the status region.
  await page.goto(`/settings/providers/${localId}`);
  await page.getByRole('button', { name: 'Test connection' }).click();
  const status = page.getByRole('status').filter({ hasText: /Connected|Cannot be tested yet|failed|Not reachable|permission denied/ });
  await expect(status).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/providers-test.png`, fullPage: true });
  const tests = await auditEvents({ action: 'provider_connection.test', actorId: admin.id });
  expect(tests).toHaveLength(1);
  expect(tests[0].targetId).toBe(localId);

  await page.goto(`/settings/providers/${awsId}`);
  await expect(page.getByLabel('Region')).toHaveValue('eu-central-2');
  await page.screenshot({ path: `${SHOTS}/providers-edit.png`, fullPage: true });

  // Delete the local connection, after confirming.
  await page.goto(`/settings/providers/${localId}`);
  await page.getByRole('button', { name: 'Delete connection…' }).click();
  await expect(page.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await page.getByRole('button', { name: 'Delete connection', exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/providers$/);
  await expect(page.getByRole('table', { name: 'Provider connections' })).not.toContainText(localName);
  expect(await connectionRow(db, localName)).toBeUndefined();
  expect(violations).toEqual([]);
});

test('a connection in use cannot be deleted, and says why', async ({ page, db, seedUser, signIn }) => {
  const connection = await insertConnection(db, { kind: 'aws', region: 'eu-west-1' });
  const secret = await insertSecret(db, { ownerTeamId: (await insertTeam(db)).id, environmentId: await environmentId(db) });
  await db.query('UPDATE secrets SET connection_id = $1 WHERE id = $2', [connection.id, secret.id]);
  const admin = await seedUser('admin');
  await signIn(page, admin.email, admin.password);

  await page.goto(`/settings/providers/${connection.id}`);
  await expect(page.getByText('1 secret uses this connection; it can be deleted once that secret points elsewhere.')).toBeVisible();
  await expect(page.getByLabel('Kind')).toBeDisabled();
  await page.getByRole('button', { name: 'Delete connection…' }).click();
  await page.getByRole('button', { name: 'Delete connection', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveText(
    '1 secret uses this connection, so it cannot be deleted. Point that secret at another connection (or none) first.',
  );
  const { rows } = await db.query('SELECT id FROM provider_connections WHERE id = $1', [connection.id]);
  expect(rows).toHaveLength(1);
});

test('an engineer points a secret at a connection and gets a derived reference', async ({ page, db, seedUser, signIn }) => {
  const connection = await insertConnection(db, { kind: 'gcp', projectId: 'acme-e2e' });
  const team = await insertTeam(db);
  const engineer = await seedUser('engineer');
  await signIn(page, engineer.email, engineer.password);

  const name = unique('stripe key');
  await page.goto('/inventory/new');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Environment').selectOption({ label: 'production' });
  await page.getByLabel('Classification').selectOption('critical');
  await page.getByLabel('Owner team').selectOption({ label: team.name });
  await page.getByLabel('Connection').selectOption({ label: `${connection.name} (GCP)` });
  await expect(page.getByLabel('Provider', { exact: true })).toBeDisabled();
  await expect(page.getByLabel('Provider', { exact: true })).toHaveValue('gcp');

  // A reference AWS would take but GCP would not: refused under its field.
  await page.getByLabel('Provider reference').fill('prod/stripe');
  await page.getByRole('button', { name: 'Add secret' }).click();
  await expect(page.getByText(/^For GCP use a secret id/)).toBeVisible();
  await expect(page.getByLabel('Provider reference')).toBeFocused();

  // Empty: the server derives one.
  await page.getByLabel('Provider reference').fill('');
  await page.getByRole('button', { name: 'Add secret' }).click();
  await expect(page).toHaveURL(/\/inventory\/[0-9a-f-]{36}$/);
  const expectedRef = `production-${name.replace(/ /g, '-')}`;
  // (The history below repeats both, as the change it recorded.)
  await expect(page.getByText(expectedRef).first()).toBeVisible();
  await expect(page.getByText(connection.name).first()).toBeVisible();
  const { rows } = await db.query('SELECT provider_kind, provider_ref, connection_id FROM secrets WHERE name = $1', [name]);
  expect(rows).toEqual([{ provider_kind: 'gcp', provider_ref: expectedRef, connection_id: connection.id }]);
});

for (const role of ['viewer', 'engineer', 'auditor'] as const) {
  test(`role ${role} gets no access to the provider settings`, async ({ page, db, seedUser, signIn, auditEvents }) => {
    const connection = await insertConnection(db, { kind: 'aws', region: 'eu-west-1' });
    const user = await seedUser(role);
    await signIn(page, user.email, user.password);

    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Providers' })).toHaveCount(0);
    for (const path of ['/settings/providers', '/settings/providers/new', `/settings/providers/${connection.id}`]) {
      await page.goto(path);
      await expect(page.getByText('Only administrators can manage provider connections'), path).toBeVisible();
      await expect(page.getByRole('button', { name: /Create connection|Save changes|Test connection|Delete/ }), path).toHaveCount(0);
      await expect(page.getByRole('table', { name: 'Provider connections' }), path).toHaveCount(0);
    }
    await expect(page.getByText(connection.name)).toHaveCount(0);
    // The pages never asked the data layer for an admin-only read.
    expect(await auditEvents({ actorId: user.id, outcome: 'denied' })).toEqual([]);
  });
}

// Issue 12: the e2e worker has no Google credentials and no CLOUD_LOGGING_ENDPOINT, so access
// ingestion for a GCP connection fails as it would on a server without them. The real
// worker runs the job (sent here as the 15-minute schedule sends it), records why on the
// connection, keeps running, and the connection's page says what failed and since when.
test('a connection whose background job fails shows the reason on its page; the worker keeps running', async ({ page, db, seedUser, signIn }) => {
  const connection = await insertConnection(db, { kind: 'gcp', projectId: 'acme-e2e' });
  const boss = new PgBoss({ db: { executeSql: (text, values) => db.query(text, values) }, supervise: false, schedule: false });
  await boss.start();
  try {
    // Ahead of the scheduled fan-out's jobs for every other connection the suite made, which
    // the worker works through one at a time.
    await boss.send('access-ingest', { connectionId: connection.id }, { singletonKey: connection.id, priority: 10 });
  } finally {
    await boss.stop({ graceful: false, close: false });
  }
  await expect
    .poll(async () => (await db.query('SELECT code FROM connection_job_faults WHERE connection_id = $1', [connection.id])).rows[0]?.code, {
      timeout: 30_000,
    })
    .toBe('permission_denied');

  const admin = await seedUser('admin');
  await signIn(page, admin.email, admin.password);
  await page.goto('/settings/providers');
  const row = page.getByRole('table', { name: 'Provider connections' }).getByRole('row').filter({ hasText: connection.name });
  await expect(row).toContainText('A background job is failing');
  await row.getByRole('link', { name: connection.name }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/providers/${connection.id}$`));
  const alert = page.getByRole('alert').filter({ hasText: 'Background jobs are failing for this connection' });
  await expect(alert).toBeVisible();
  const item = alert.getByTestId('job-fault-access-ingest');
  await expect(item).toContainText('Access history ingestion (every 15 minutes)');
  await expect(item).toContainText('No Google credentials were found.');
  await expect(item).toContainText(/Failing since .+ · last failed .+ Clears when a run succeeds\./);
  // Our words only: no SDK text, no stack.
  await expect(alert).not.toContainText('Could not load the default credentials');
  await expect(alert).not.toContainText(/\bat .+\.js:\d+/);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/providers-failing-job.png`, fullPage: true });

  // The worker lived through it and logged no stray failure.
  const log = readFileSync(WORKER_LOG, 'utf8');
  expect(log).toContain('access ingestion stopped');
  expect(log).not.toContain('"unhandled rejection"');
  expect(log).not.toContain('"worker stopped"');

  // A connection without failures shows no such box.
  const healthy = await insertConnection(db, { kind: 'aws', region: 'eu-west-1' });
  await page.goto(`/settings/providers/${healthy.id}`);
  await expect(page.getByRole('heading', { level: 1, name: healthy.name })).toBeVisible();
  await expect(page.getByText('Background jobs are failing for this connection')).toHaveCount(0);

  // A run that succeeds clears the record, and the page says nothing more (the worker side
  // of this is test/integration/provider-faults.test.ts; here the row goes as it would).
  await db.query('DELETE FROM connection_job_faults WHERE connection_id = $1', [connection.id]);
  await page.goto(`/settings/providers/${connection.id}`);
  await expect(page.getByRole('heading', { level: 1, name: connection.name })).toBeVisible();
  await expect(page.getByText('Background jobs are failing for this connection')).toHaveCount(0);
});
