// Team membership in the browser: an administrator adds an engineer to the team that owns a
// secret; before that the engineer's Secrets Management tab says why there is no form, after
// it the form is there; a bad email gets a clear field error. Screenshots go to
// test-results/screenshots/.
import path from 'node:path';
import { connectSecret, environmentId, insertConnection, insertSecret, insertTeam } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');

test('an administrator adds an engineer to the owning team, which gives the engineer the value form', async ({ db, signedInContext }) => {
  const team = await insertTeam(db);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db) });
  await connectSecret(db, secret.id, (await insertConnection(db)).id, `production/${secret.name}`);
  const engineer = await signedInContext('engineer');
  const engineerPage = await (await engineer.browserContext()).newPage();

  // Outside the team: the tab explains, and offers no form.
  await engineerPage.goto(`/inventory/${secret.id}/manage`);
  await expect(engineerPage.getByText(`Only members of ${team.name}, the team that owns this secret, can write its values`)).toBeVisible();
  await expect(engineerPage.getByRole('textbox', { name: 'Value', exact: true })).toHaveCount(0);
  await engineerPage.screenshot({ path: path.join(SHOTS, 'manage-outside-team.png'), fullPage: true });

  // The administrator adds them on the team's page; a mistyped address is refused by name.
  const admin = await signedInContext('admin');
  const adminPage = await (await admin.browserContext()).newPage();
  await adminPage.goto(`/teams/${team.id}`);
  await adminPage.getByLabel('Add a member').fill('nobody-here@example.test');
  await adminPage.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(adminPage.getByText('No account has this email. Invite the person first.')).toBeVisible();
  await adminPage.getByLabel('Add a member').fill(engineer.user.email);
  await adminPage.getByRole('button', { name: 'Add', exact: true }).click();
  const members = adminPage.getByRole('listitem').filter({ hasText: engineer.user.email });
  await expect(members).toBeVisible();
  await expect(adminPage.getByRole('button', { name: `Remove ${engineer.user.name} from the team` })).toBeVisible();
  await adminPage.screenshot({ path: path.join(SHOTS, 'team-members.png'), fullPage: true });
  const added = await db.query(`SELECT action, outcome FROM audit_events WHERE action = 'team.member_add' AND target_id = $1`, [team.id]);
  expect(added.rows).toEqual([{ action: 'team.member_add', outcome: 'success' }]);

  // Now a member: the form is there.
  await engineerPage.reload();
  await expect(engineerPage.getByRole('textbox', { name: 'Value', exact: true })).toBeVisible();

  // Engineers see the members but cannot change them.
  await engineerPage.goto(`/teams/${team.id}`);
  await expect(engineerPage.getByText(engineer.user.email)).toBeVisible();
  await expect(engineerPage.getByLabel('Add a member')).toHaveCount(0);
  await expect(engineerPage.getByRole('button', { name: /^Remove / })).toHaveCount(0);
});
