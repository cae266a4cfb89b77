// Posture through the real pages: the worker scores the secrets (its posture job, sent
// here instead of waiting for the 15-minute schedule), a team lead lands on their own
// team's score, trend and "what to fix first" list, follows a failing check to the
// inventory filtered by it, and sees one secret's checklist with what to do.
import PgBoss from 'pg-boss';
import { environmentId, insertSecret, insertTeam, insertTeamMember, unique } from './support/db';
import { expect, test } from './support/fixtures';

test('a team lead sees their team’s posture, what to fix first and a secret’s checklist', async ({ db, signedInContext }) => {
  const run = unique('e2e-posture');
  const team = await insertTeam(db, `${run} team`);
  const production = await environmentId(db, 'production');
  const neglected = await insertSecret(db, { name: `${run}-neglected`, ownerTeamId: team.id, environmentId: production });
  await db.query(`UPDATE secrets SET classification = 'critical' WHERE id = $1`, [neglected.id]);
  const cared = await insertSecret(db, { name: `${run}-cared-for`, ownerTeamId: team.id, environmentId: production });
  await db.query(
    `UPDATE secrets SET contact_person = 'Ana', rotation_interval_days = 90, last_rotated_at = now(), next_due_at = now() + interval '90 days',
            rotation_strategy = 'generated', grace_hours = 24 WHERE id = $1`,
    [cared.id],
  );
  const lead = await signedInContext('viewer');
  await insertTeamMember(db, team.id, lead.user.id);

  const computedBefore = (await db.query(`SELECT max(computed_at) AS at FROM secret_postures`)).rows[0]?.at ?? null;
  const boss = new PgBoss({ db: { executeSql: (text, values) => db.query(text, values) }, supervise: false, schedule: false });
  await boss.start();
  try {
    await boss.send('posture-refresh', {});
  } finally {
    await boss.stop({ graceful: false, close: false });
  }
  // Done when this secret has a posture row newer than any before the job (no row yet is not done).
  await expect
    .poll(
      async () =>
        (
          await db.query(`SELECT ($2::timestamptz IS NULL OR computed_at > $2) AS fresh FROM secret_postures WHERE secret_id = $1`, [
            neglected.id,
            computedBefore,
          ])
        ).rows[0]?.fresh ?? false,
      { timeout: 30_000 },
    )
    .toBe(true);

  const page = await (await lead.browserContext()).newPage();
  // A team lead lands on their own team (the first by name, if they have several).
  const { rows: theirs } = await db.query<{ id: string }>(
    `SELECT t.id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = $1 ORDER BY t.name LIMIT 1`,
    [lead.user.id],
  );
  await page.goto('/posture');
  await expect(page.getByLabel('Team', { exact: true })).toHaveValue(theirs[0].id);
  await page.goto(`/posture?team=${team.id}`);
  await expect(page.getByRole('heading', { name: `What to fix first: ${team.name}` })).toBeVisible();
  const fix = page.getByRole('table', { name: 'Secrets that fail a check, most sensitive and lowest score first' });
  await expect(fix.getByRole('row').nth(1)).toContainText(`${run}-neglected`); // critical before important
  await expect(fix.getByRole('row').nth(1)).toContainText('No owner contact');
  await expect(page.getByRole('img', { name: new RegExp(`Posture score of ${team.name} per day`) })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('posture.png'), fullPage: true });

  // A failing check opens the inventory filtered by it, for this team.
  await page.getByRole('list', { name: 'Secrets failing each check' }).getByRole('link', { name: 'No owner contact' }).click();
  await expect(page).toHaveURL(/\/inventory\?.*failing=owner_contact/);
  await expect(page.getByRole('link', { name: `${run}-neglected` })).toBeVisible();
  await expect(page.getByRole('link', { name: `${run}-cared-for` })).toHaveCount(0);

  // The secret's own checklist, live, with what to do.
  await page.goto(`/inventory/${neglected.id}`);
  const checks = page.getByRole('list', { name: 'Posture checks' });
  await expect(checks).toContainText('Fails: Owner team and a contact person are set');
  await expect(checks).toContainText('Name a contact person');
  await page.goto(`/inventory/${cared.id}`);
  await expect(checks).toContainText('Passes: Owner team and a contact person are set');
});
