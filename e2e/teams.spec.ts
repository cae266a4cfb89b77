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

test('an administrator makes a service token on the team page, sees it once, and revokes it', async ({ db, signedInContext }) => {
  const team = await insertTeam(db);
  const admin = await signedInContext('admin');
  const page = await (await admin.browserContext()).newPage();
  await page.goto(`/teams/${team.id}`);

  const form = page.getByRole('form', { name: 'New service token' });
  await form.getByLabel('Name').fill('e2e deploy pipeline');
  await form.getByLabel('Acts with the role').selectOption('auditor');
  // The scopes follow the role: an auditor reads the inventory and the audit trail, nothing more.
  await expect(form.getByRole('checkbox')).toHaveCount(2);
  await expect(form.getByLabel('Read the inventory, teams, systems and rotation status')).toBeChecked();
  await expect(form.getByLabel('Read and export the audit trail and access history')).not.toBeChecked();
  await form.getByLabel('Read and export the audit trail and access history').check();
  await form.getByLabel('Requests per minute').fill('120');
  await form.getByRole('button', { name: 'Create token' }).click();

  const shown = page.getByLabel('New service token “e2e deploy pipeline”');
  await expect(shown).toHaveValue(/^sid_[A-Za-z0-9_-]{43}$/);
  const token = await shown.inputValue();
  const tokens = page.getByRole('table', { name: `Live service tokens of ${team.name}` });
  await expect(tokens.getByRole('row', { name: /e2e deploy pipeline/ })).toContainText('120/min');
  await expect(tokens.getByRole('row', { name: /e2e deploy pipeline/ })).toContainText('Auditor');
  await expect(tokens.getByRole('row', { name: /e2e deploy pipeline/ })).toContainText('audit:read');
  await page.screenshot({ path: path.join(SHOTS, 'team-service-tokens.png'), fullPage: true });

  // Stored as a hash, acting as a service account of the team that is not listed as a member.
  const stored = await db.query<{ id: string; kind: string; role: string; member: boolean; hash_matches: boolean }>(
    `SELECT t.id, u.kind::text AS kind, u.role::text AS role,
            EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.team_id AND m.user_id = u.id) AS member,
            t.token_hash = sha256(convert_to($2, 'UTF8')) AS hash_matches
     FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.team_id = $1`,
    [team.id, token],
  );
  expect(stored.rows).toEqual([{ id: expect.any(String), kind: 'service', role: 'auditor', member: true, hash_matches: true }]);
  await expect(page.getByText('No members yet.')).toBeVisible();

  // Once copied, the token is gone from the page; a reload never shows it again.
  await page.getByRole('button', { name: 'I have copied it' }).click();
  await expect(shown).toHaveCount(0);
  await page.reload();
  await expect(page.getByText(token)).toHaveCount(0);

  await tokens.getByRole('button', { name: 'Revoke e2e deploy pipeline' }).click();
  await page.getByRole('group', { name: 'Confirm revoking e2e deploy pipeline' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByText('This team has no live service tokens.')).toBeVisible();
  const events = await db.query(`SELECT action, outcome FROM audit_events WHERE target_id = $1 ORDER BY seq`, [stored.rows[0].id]);
  expect(events.rows).toEqual([
    { action: 'api_token.create', outcome: 'success' },
    { action: 'api_token.revoke', outcome: 'success' },
  ]);
});
