// The drift report in the browser: an engineer of the owning team finds a secret whose last
// rotated date disagrees with the provider, narrows the report by connection and kind
// through the URL, and takes the provider's date with one click; a team lead sees the same
// finding with no fix offered, on the report and on the secret's page. The scan snapshot
// is seeded as a scan leaves it. Screenshots go to test-results/screenshots.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { environmentId, insertRotationDrift, insertSecret, insertTeam, insertTeamMember } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');
const TIMES = { lastRotatedAt: '2026-09-01T00:00:00.000Z', providerAt: '2026-11-20T08:30:00.000Z' };

async function driftedSecret(db: Parameters<typeof insertRotationDrift>[0]) {
  const team = await insertTeam(db);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db) });
  await insertRotationDrift(db, secret, TIMES);
  const { rows } = await db.query<{ connection_id: string }>('SELECT connection_id FROM secrets WHERE id = $1', [secret.id]);
  return { team, secret, connectionId: rows[0].connection_id };
}

test('an engineer of the owning team filters the report and takes the provider’s last rotated date', async ({ page, db, seedUser, signIn }) => {
  const { team, secret, connectionId } = await driftedSecret(db);
  const engineer = await seedUser('engineer');
  await insertTeamMember(db, team.id, engineer.id);
  await signIn(page, engineer.email, engineer.password);

  await page.goto(`/discovery/drift?connection=${connectionId}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Drift' })).toBeVisible();
  await expect(page.getByLabel('Connection', { exact: true })).toHaveValue(connectionId);
  const row = page.getByRole('row').filter({ hasText: secret.name }).filter({ hasText: 'Last rotated differs' });
  await expect(row).toContainText('Last rotated 2026-09-01 00:00 UTC');
  await expect(row).toContainText('Last changed 2026-11-20 08:30 UTC');

  // The kind filter goes into the URL (a shareable view) and keeps the connection.
  await page.getByLabel('Finding', { exact: true }).selectOption('last_rotated_mismatch');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(new RegExp(`connection=${connectionId}&kind=last_rotated_mismatch`));
  await expect(page.getByRole('link', { name: /Last rotated differs 1/ })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('row')).toHaveCount(2);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/drift-report.png`, fullPage: true });

  await row.getByRole('button', { name: 'Update the inventory from the provider' }).click();
  await expect(page.getByText('No drift found')).toBeVisible();
  const { rows } = await db.query<{ last_rotated_at: Date }>('SELECT last_rotated_at FROM secrets WHERE id = $1', [secret.id]);
  expect(rows[0].last_rotated_at.toISOString()).toBe(TIMES.providerAt);
});

test('a team lead sees the finding, on the report and the secret’s page, with no fix offered', async ({ page, db, seedUser, signIn }) => {
  const { team, secret } = await driftedSecret(db);
  const viewer = await seedUser('viewer');
  await signIn(page, viewer.email, viewer.password);

  await page.goto('/discovery/drift?kind=last_rotated_mismatch');
  const row = page.getByRole('row').filter({ hasText: secret.name });
  await expect(row).toContainText(`An engineer of ${team.name} or an administrator can fix this.`);
  await expect(row.getByRole('button')).toHaveCount(0);

  await page.goto(`/inventory/${secret.id}`);
  // Two findings: the seeded provider secret has no owner or environment labels either.
  const panel = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Drift (2)' }) });
  await expect(panel).toContainText('Last rotated differs');
  await expect(panel.getByRole('button')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/drift-secret-panel.png`, fullPage: true });
});
