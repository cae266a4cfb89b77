// The Access tab through the real UI: readers from stored access events set against the
// declared consuming systems (undeclared readers, silent systems), the raw events shown
// (and their export) to an auditor and not to a viewer, the GCP "Data Access logs look
// off" notice, and the inventory's "not read in N days" filter. Screenshots go to test-results/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { connectSecret, environmentId, insertConnection, insertSecret, insertSystem, insertTeam, unique, type Db } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');
const DAY = 86_400_000;
const ROLE = 'arn:aws:iam::123456789012:role/e2e-billing';
const MALLORY = 'arn:aws:iam::123456789012:user/mallory';

async function readEvent(db: Db, connectionId: string, secretId: string, principal: string, daysAgo: number) {
  await db.query(
    `INSERT INTO access_events (id, connection_id, provider_event_id, occurred_at, event_name, principal, principal_type, source_ip, user_agent, secret_ref, secret_id)
     VALUES (gen_random_uuid(), $1, gen_random_uuid()::text, $2, 'GetSecretValue', $3, 'AssumedRole', '10.9.8.7', 'aws-sdk-js', 'prod/db', $4)`,
    [connectionId, new Date(Date.now() - daysAgo * DAY), principal, secretId],
  );
}

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test('the Access tab shows who reads a secret against its declared systems', async ({ page, db, seedUser, signIn }) => {
  const team = await insertTeam(db);
  const connection = await insertConnection(db, { kind: 'aws', region: 'eu-west-1' });
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db) });
  await connectSecret(db, secret.id, connection.id, 'prod/db');
  const billing = await insertSystem(db, team.id);
  await db.query(`UPDATE systems SET principals = ARRAY[$2] WHERE id = $1`, [billing.id, ROLE]);
  const silent = await insertSystem(db, team.id);
  for (const s of [billing, silent]) await db.query(`INSERT INTO secret_consumers (secret_id, system_id) VALUES ($1, $2)`, [secret.id, s.id]);
  await readEvent(db, connection.id, secret.id, ROLE, 3);
  await readEvent(db, connection.id, secret.id, ROLE, 1);
  await readEvent(db, connection.id, secret.id, MALLORY, 2);
  await db.query(`INSERT INTO access_ingestion_cursors (connection_id, last_run_at, completed_runs) VALUES ($1, now(), 1)`, [connection.id]);

  const auditor = await seedUser('auditor');
  await signIn(page, auditor.email, auditor.password);
  await page.goto(`/inventory/${secret.id}`);
  await page.getByRole('navigation', { name: 'Secret sections' }).getByRole('link', { name: 'Access' }).click();
  await expect(page.getByRole('heading', { name: /Readers in the last 90 days/ })).toBeVisible();
  const readers = page.getByRole('table', { name: /Principals that read this secret/ });
  await expect(readers.getByRole('row', { name: new RegExp(`${ROLE}.*${billing.name}.*2`) })).toBeVisible();
  await expect(readers.getByRole('row', { name: /mallory.*Undeclared/ })).toBeVisible();
  await expect(page.getByText(silent.name)).toBeVisible();
  // Auditors see the raw events.
  await expect(page.getByRole('table', { name: 'Access events, newest first' }).getByText('10.9.8.7').first()).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'access-tab.png'), fullPage: true });
  // ... and export the secret's whole access history.
  const download = page.waitForEvent('download');
  await page.getByRole('group', { name: 'Export access history' }).getByRole('button', { name: 'Access history JSON Lines' }).click();
  const lines = readFileSync(await (await download).path(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => [l.secretId, l.principal])).toEqual([
    [secret.id, ROLE],
    [secret.id, MALLORY],
    [secret.id, ROLE],
  ]);

  // The inventory filter (last_read_at is what ingestion keeps): last read 10 days ago.
  await db.query(`UPDATE secrets SET last_read_at = now() - interval '10 days' WHERE id = $1`, [secret.id]);
  await page.goto(`/inventory?q=${encodeURIComponent(secret.name)}&unread=7`);
  await expect(page.getByRole('link', { name: secret.name })).toBeVisible();
  await page.goto(`/inventory?q=${encodeURIComponent(secret.name)}&unread=30`);
  await expect(page.getByRole('link', { name: secret.name })).toHaveCount(0);
});

test('a viewer sees the summary but not the raw events; a GCP project without Data Access logs is flagged', async ({ page, db, seedUser, signIn }) => {
  const team = await insertTeam(db);
  const connection = await insertConnection(db, { kind: 'gcp', projectId: unique('proj').toLowerCase() });
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db) });
  await connectSecret(db, secret.id, connection.id, 'db');
  await db.query(`INSERT INTO access_ingestion_cursors (connection_id, last_run_at, completed_runs, data_access_logs_seen) VALUES ($1, now(), 2, false)`, [
    connection.id,
  ]);

  const viewer = await seedUser('viewer');
  await signIn(page, viewer.email, viewer.password);
  await page.goto(`/inventory/${secret.id}/access`);
  await expect(page.getByText('Data Access logs look off for this project')).toBeVisible();
  await expect(page.getByText('No reads recorded.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Latest access events' })).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'access-tab-data-access-off.png'), fullPage: true });
});
