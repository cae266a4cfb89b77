// The Orphans report through the real UI: a team lead opens it from the navigation, finds
// their team's secret that nobody declares or reads and the identity that reads another
// one undeclared, without a decommission button; an engineer of the owning team follows
// "Suggest decommission" and lands in the secret's decommission form with the reason
// filled in. Screenshots for people to look at go to test-results/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { connectSecret, environmentId, insertConnection, insertSecret, insertSystem, insertTeam, joinOwningTeam, type Db } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');
const DAY = 86_400_000;
const MALLORY = 'arn:aws:iam::123456789012:user/e2e-orphans-mallory';

async function readEvent(db: Db, connectionId: string, secretId: string, principal: string, daysAgo: number) {
  await db.query(
    `INSERT INTO access_events (id, connection_id, provider_event_id, occurred_at, event_name, principal, principal_type, secret_ref, secret_id)
     VALUES (gen_random_uuid(), $1, gen_random_uuid()::text, $2, 'GetSecretValue', $3, 'IAMUser', 'ref', $4)`,
    [connectionId, new Date(Date.now() - daysAgo * DAY), principal, secretId],
  );
}

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test('a team lead sees their orphans; an engineer of the owning team follows "Suggest decommission" to a filled-in form', async ({
  page,
  db,
  seedUser,
  signIn,
}) => {
  const team = await insertTeam(db);
  const connection = await insertConnection(db, { kind: 'aws', region: 'eu-west-1' });
  await db.query(`INSERT INTO access_ingestion_cursors (connection_id, last_run_at, completed_runs) VALUES ($1, now(), 1)`, [connection.id]);
  const env = await environmentId(db);
  // Critical, connected, no consumers, never read: the riskiest kind, first in its section.
  const orphan = await insertSecret(db, { ownerTeamId: team.id, environmentId: env });
  await connectSecret(db, orphan.id, connection.id, orphan.name);
  // Read 120 days ago: under "Not read" with the reason's numbers.
  const stale = await insertSecret(db, { ownerTeamId: team.id, environmentId: env });
  await connectSecret(db, stale.id, connection.id, stale.name);
  await db.query(`UPDATE secrets SET classification = 'critical', last_read_at = now() - interval '120 days' WHERE id = ANY($1::uuid[])`, [
    [orphan.id, stale.id],
  ]);
  const system = await insertSystem(db, team.id);
  await db.query(`INSERT INTO secret_consumers (secret_id, system_id) VALUES ($1, $2)`, [stale.id, system.id]);
  await db.query(`UPDATE secrets SET last_read_at = NULL WHERE id = $1`, [orphan.id]);
  // Read two days ago by an identity that belongs to none of its declared systems.
  const busy = await insertSecret(db, { ownerTeamId: team.id, environmentId: env });
  await connectSecret(db, busy.id, connection.id, busy.name);
  await db.query(`UPDATE secrets SET classification = 'critical', last_read_at = now() - interval '2 days' WHERE id = $1`, [busy.id]);
  await db.query(`INSERT INTO secret_consumers (secret_id, system_id) VALUES ($1, $2)`, [busy.id, system.id]);
  await readEvent(db, connection.id, busy.id, MALLORY, 2);

  const lead = await seedUser('viewer');
  await db.query(`INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)`, [team.id, lead.id]);
  await signIn(page, lead.email, lead.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orphans' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Orphans' })).toBeVisible();
  const table = page.getByRole('table', { name: 'No declared consumers' });
  await expect(table.getByRole('row', { name: new RegExp(`${orphan.name}.*${team.name}.*Critical.*Never read`) })).toBeVisible();
  // A team lead may not decommission: no suggestion.
  await expect(page.getByRole('link', { name: /Suggest decommission/ })).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'orphans-unconsumed.png'), fullPage: true });
  // The section as CSV.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV of No declared consumers' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  expect(csv).toContain(`${orphan.name},production,${team.name},critical,active,never,`);

  // The declared system never read either secret it consumes (matched by its name: it lists no identities).
  await page
    .getByRole('navigation', { name: 'Orphans sections' })
    .getByRole('link', { name: /Consumers that never read/ })
    .click();
  const silent = page.getByRole('table', { name: 'Consumers that never read' });
  await expect(silent.getByRole('row', { name: new RegExp(`${stale.name}.*${system.name}.*Matched by its name`) })).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'orphans-silent.png'), fullPage: true });

  await page
    .getByRole('navigation', { name: 'Orphans sections' })
    .getByRole('link', { name: /Undeclared readers/ })
    .click();
  await expect(page).toHaveURL(/tab=undeclared/);
  await expect(page.getByRole('table', { name: 'Undeclared readers' }).getByRole('row', { name: new RegExp(`${busy.name}.*${MALLORY}`) })).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'orphans-undeclared.png'), fullPage: true });

  // An engineer of the owning team, from "Not read" with the 90-day window.
  await page.context().clearCookies();
  const engineer = await seedUser('engineer');
  await joinOwningTeam(db, stale.id, engineer.id);
  await signIn(page, engineer.email, engineer.password);
  await page.goto('/orphans?tab=unread');
  await expect(page.getByRole('navigation', { name: 'Access history window' }).getByRole('link', { name: '90 days' })).toHaveAttribute('aria-current', 'true');
  const unread = page.getByRole('table', { name: 'Not read' });
  await expect(unread.getByRole('row', { name: new RegExp(stale.name) })).toContainText('120 days ago');
  await page.screenshot({ path: path.join(SHOTS, 'orphans-unread.png'), fullPage: true });
  await unread.getByRole('link', { name: `Suggest decommission of ${stale.name}` }).click();

  await expect(page).toHaveURL(new RegExp(`/inventory/${stale.id}\\?decommissionReason=`));
  const lastRead = new Date(Date.now() - 120 * DAY).toISOString().slice(0, 10);
  await expect(page.getByLabel('Reason')).toHaveValue(new RegExp(`^Not read in 120 days \\(last read ${lastRead}\\)$`));
  await expect(page.getByLabel('Reason')).toBeFocused();
  await page.screenshot({ path: path.join(SHOTS, 'orphans-decommission-prefilled.png'), fullPage: true });
});
