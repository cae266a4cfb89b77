// Rotations driven through the secret's Rotation tab on the production build: a manual
// runbook from first click to "old key revoked", a generated rotation with a roll back
// in its grace period, and "mark compromised" opening an incident whose checklist is
// worked through.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { LocalStore } from '../lib/providers/local-store';
import { connectSecret, environmentId, insertConnection, insertSecret, insertTeam, type Db } from './support/db';
import { expect, test } from './support/fixtures';
import { CLOCK_FILE, LOCAL_PROVIDER_DIR, RESULTS_DIR, ROOT, type E2EState } from './support/state';

async function localSecret(db: Db, strategy: 'manual' | 'generated') {
  const secret = await insertSecret(db, { ownerTeamId: (await insertTeam(db)).id, environmentId: await environmentId(db) });
  await connectSecret(db, secret.id, (await insertConnection(db)).id, `production/${secret.name}`);
  await db.query(`UPDATE secrets SET rotation_strategy = $2::"RotationStrategy", grace_hours = 0 WHERE id = $1`, [secret.id, strategy]);
  return secret;
}

const runState = async (db: Db, secretId: string) =>
  (await db.query<{ state: string }>('SELECT state FROM rotation_runs WHERE secret_id = $1 ORDER BY created_at DESC LIMIT 1', [secretId])).rows[0]?.state;

test('an engineer walks a manual rotation through its runbook', async ({ memberOf, db }) => {
  const secret = await localSecret(db, 'manual');
  const page = await (await (await memberOf('engineer', secret.id)).browserContext()).newPage();
  await page.goto(`/inventory/${secret.id}/rotation`);
  await page.getByRole('button', { name: 'Rotate now', exact: true }).click();
  await expect(page.getByText('Waiting for the new value').first()).toBeVisible();

  await page.getByRole('textbox', { name: 'New key', exact: true }).fill(`vendor-key-${randomUUID()}`);
  await page.getByRole('button', { name: 'Write the new key' }).click();
  await expect(page.getByRole('button', { name: 'The new key works' })).toBeVisible();
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'rotation-runbook.png'), fullPage: true });
  await page.getByRole('button', { name: 'The new key works' }).click();

  // Grace zero: the worker's next pass would end it; here the page's own step took it on.
  await expect(page.getByRole('button', { name: 'I revoked the old key' }).or(page.getByText('In grace period').first())).toBeVisible();
  expect(['in_grace', 'awaiting_revocation']).toContain(await runState(db, secret.id));
});

test('a generated rotation promotes at once and can be rolled back during its grace period', async ({ memberOf, db, e2e }) => {
  const secret = await localSecret(db, 'generated');
  await db.query('UPDATE secrets SET grace_hours = 24 WHERE id = $1', [secret.id]);
  // The value in use today, which the roll back returns to.
  const store = new LocalStore(LOCAL_PROVIDER_DIR, Buffer.from(e2e.localProviderKey, 'base64url'));
  const original = `original-${randomUUID()}`;
  await store.write(`production/${secret.name}`, original, randomUUID(), {});
  const page = await (await (await memberOf('engineer', secret.id)).browserContext()).newPage();
  await page.goto(`/inventory/${secret.id}/rotation`);
  await page.getByRole('button', { name: 'Rotate now', exact: true }).click();
  await expect(page.getByText('In grace period').first()).toBeVisible();
  expect(await runState(db, secret.id)).toBe('in_grace');
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'rotation-in-grace.png'), fullPage: true });

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Roll back to the previous value' }).click();
  await expect(page.getByText('Rolled back').first()).toBeVisible();
  expect(await runState(db, secret.id)).toBe('rolled_back');
  const current = (await store.load(`production/${secret.name}`))!.versions.filter((v) => v.state === 'enabled').at(-1)!;
  expect(await store.open(`production/${secret.name}`, current.id)).toBe(original);
});

test('mark compromised opens an incident, rotates at once, and its checklist is worked through', async ({ memberOf, db }) => {
  const secret = await localSecret(db, 'generated');
  const page = await (await (await memberOf('engineer', secret.id)).browserContext()).newPage();
  await page.goto(`/inventory/${secret.id}/rotation`);
  await page.getByLabel('What happened').fill('Token pasted in a public channel');
  await page.getByRole('button', { name: 'Mark compromised and rotate now' }).click();
  await expect(page.getByRole('heading', { name: 'Incident: secret compromised' })).toBeVisible();
  await expect(page.getByText('Token pasted in a public channel')).toBeVisible();
  expect((await db.query('SELECT status FROM secrets WHERE id = $1', [secret.id])).rows[0].status).toBe('compromised');
  expect(await runState(db, secret.id)).toBe('completed'); // grace zero: the leaked version is retired

  const steps = page.getByRole('button', { name: 'Mark done' });
  await page.getByLabel('Note (optional)').first().fill('Revoked in the vendor console');
  for (let left = 6; left > 0; left -= 1) {
    await steps.first().click();
    await expect(steps).toHaveCount(left - 1);
  }
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'incident.png'), fullPage: true });
  await page.getByRole('button', { name: 'Close the incident' }).click();
  await expect(page.getByText(/^Closed /)).toBeVisible();
  await expect(page.getByText('Revoked in the vendor console')).toBeVisible();
});

/** One pass of the real worker (scripts/worker.ts --once) with the app's environment. */
function workerPass(e2e: E2EState) {
  const run = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts', '--once'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...e2e.serverEnv, WORKER_ID: 'e2e-once' } as unknown as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr + run.stdout).toBe(0);
}

test('the end of the grace period retires the old version (moving the test clock)', async ({ memberOf, db, e2e }) => {
  const secret = await localSecret(db, 'generated');
  await db.query('UPDATE secrets SET grace_hours = 24 WHERE id = $1', [secret.id]);
  const store = new LocalStore(LOCAL_PROVIDER_DIR, Buffer.from(e2e.localProviderKey, 'base64url'));
  await store.write(`production/${secret.name}`, `original-${randomUUID()}`, randomUUID(), {});
  const page = await (await (await memberOf('engineer', secret.id)).browserContext()).newPage();
  await page.goto(`/inventory/${secret.id}/rotation`);
  await page.getByRole('button', { name: 'Rotate now', exact: true }).click();
  await expect(page.getByText('In grace period').first()).toBeVisible();

  try {
    workerPass(e2e); // still within the grace period: nothing to retire
    expect(await runState(db, secret.id)).toBe('in_grace');
    writeFileSync(CLOCK_FILE, String(25 * 3_600_000)); // 25 hours later, for the app and the worker
    workerPass(e2e);
    // The app's own worker reads the same clock: its sweep may have claimed the run first,
    // in which case the one-shot pass left it alone. Either way it ends within a sweep.
    await expect.poll(() => runState(db, secret.id), { timeout: 20_000 }).toBe('completed');
  } finally {
    writeFileSync(CLOCK_FILE, '0');
  }
  await page.goto(`/inventory/${secret.id}/manage`);
  const versions = page.getByRole('table', { name: /versions/i });
  await expect(versions.getByRole('row').nth(1)).toContainText('Current');
  await expect(versions.getByRole('row').nth(2)).toContainText('Disabled');
  await page.goto(`/inventory/${secret.id}/rotation`);
  await expect(page.getByRole('table', { name: /rotations/i }).getByText('Completed')).toBeVisible();
});
