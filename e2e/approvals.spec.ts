// The two-person rule in the browser: engineer A of the owning team asks to write a value
// of a gated secret, engineer B of the same team approves it on the same tab, A writes the
// value once, and the next write needs a new approval. The approver's view is kept as a
// screenshot (test-results/screenshots/approval-pending.png).
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { connectSecret, environmentId, gateSecret, insertConnection, insertSecret, insertTeam } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');
test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test.afterAll(async ({ db }) => {
  // Other specs' secrets are Important; leave the Sensitive policy as the seed had it.
  await db.query(`UPDATE classification_policies SET require_approval = false WHERE classification = 'sensitive'`);
});

test('engineer A asks, engineer B of the same team approves, A writes the value once', async ({ db, memberOf, auditEvents }) => {
  const secret = await insertSecret(db, { ownerTeamId: (await insertTeam(db)).id, environmentId: await environmentId(db) });
  await connectSecret(db, secret.id, (await insertConnection(db)).id, `production/${secret.name}`);
  await gateSecret(db, secret.id);
  const a = await memberOf('engineer', secret.id);
  const b = await memberOf('engineer', secret.id);
  const pageA = await (await a.browserContext()).newPage();
  const pageB = await (await b.browserContext()).newPage();

  // A: no form yet, a request with a note instead.
  await pageA.goto(`/inventory/${secret.id}/manage`);
  await expect(pageA.getByRole('textbox', { name: 'Value', exact: true })).toHaveCount(0);
  await pageA.getByLabel('Why (for the approver)').fill('New vendor key after the contract renewal');
  await pageA.getByRole('button', { name: 'Request approval' }).click();
  await expect(pageA.getByText('Waiting for approval')).toBeVisible();
  await expect(pageA.getByRole('button', { name: 'Cancel request' })).toBeVisible();
  // A's own request is not offered to A for a decision.
  await expect(pageA.getByRole('button', { name: /^Approve the request/ })).toHaveCount(0);
  // A value-write request does not cover a rotation: the Rotation tab asks for its own.
  await pageA.goto(`/inventory/${secret.id}/rotation`);
  await expect(pageA.getByRole('button', { name: 'Rotate now', exact: true })).toHaveCount(0);
  await expect(pageA.getByRole('button', { name: 'Request approval' })).toBeVisible();

  // B: the request, with Approve / Refuse.
  await pageB.goto(`/inventory/${secret.id}/manage`);
  const waiting = pageB.getByRole('list', { name: 'Requests waiting for approval' });
  await expect(waiting).toContainText(`${a.user.email} asks to write a new value`);
  await expect(waiting).toContainText('New vendor key after the contract renewal');
  await pageB.screenshot({ path: `${SHOTS}/approval-pending.png`, fullPage: true });
  await pageB.getByLabel('Note on your decision (optional)').fill('Checked with the vendor');
  await pageB.getByRole('button', { name: `Approve the request of ${a.user.email} to write a new value` }).click();
  await expect(waiting).toHaveCount(0);

  // A: the form is back, with who approved; one write uses the approval.
  await pageA.goto(`/inventory/${secret.id}/manage`);
  await expect(pageA.getByText(`Approved by ${b.user.email}`)).toBeVisible();
  await pageA.getByRole('textbox', { name: 'Value', exact: true }).fill(`approved-${randomUUID()}`);
  await pageA.getByRole('button', { name: /write to/i }).click();
  await expect(pageA.locator('#value-form-outcome')).toContainText('Written to');
  await pageA.reload();
  await expect(pageA.getByRole('button', { name: 'Request approval' })).toBeVisible();
  expect((await db.query('SELECT 1 FROM secret_versions WHERE secret_id = $1', [secret.id])).rowCount).toBe(1);

  const steps = await auditEvents({ targetId: secret.id });
  expect(steps.filter((e) => e.outcome === 'success').map((e) => [e.action, e.actorEmail])).toEqual([
    ['approval.request', a.user.email],
    ['approval.approve', b.user.email],
    ['approval.use', a.user.email],
    ['secret.value_write', a.user.email],
  ]);
});
