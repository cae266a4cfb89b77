// The Secrets Management tab's day-to-day use in the browser: writing two values, turning
// an old version off, and the reuse rules (refused across environments of one secret,
// a warning for any other secret).
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { connectSecret, environmentId, insertConnection, insertSecret, insertTeam, type Db } from './support/db';
import { expect, test } from './support/fixtures';

async function localSecret(db: Db, options: { name?: string; environment?: 'development' | 'staging' | 'production' } = {}) {
  const secret = await insertSecret(db, {
    ownerTeamId: (await insertTeam(db)).id,
    environmentId: await environmentId(db, options.environment),
    name: options.name,
  });
  await connectSecret(db, secret.id, (await insertConnection(db)).id, `${options.environment ?? 'production'}/${secret.name}`);
  return secret;
}

async function write(page: Page, secretId: string, value: string) {
  await page.goto(`/inventory/${secretId}/manage`);
  await page.getByRole('textbox', { name: 'Value', exact: true }).fill(value);
  await page.getByRole('button', { name: /write to/i }).click();
}

const outcome = (page: Page) => page.locator('#value-form-outcome');

test('an engineer writes two values and disables the old version', async ({ memberOf, db }) => {
  const secret = await localSecret(db);
  const page = await (await (await memberOf('engineer', secret.id)).browserContext()).newPage();
  await write(page, secret.id, `first-${randomUUID()}`);
  await expect(outcome(page)).toContainText('Written to');
  await write(page, secret.id, `second-${randomUUID()}`);
  await expect(outcome(page)).toContainText('Written to');

  const versions = page.getByRole('table', { name: /versions/i });
  await expect(versions.getByRole('row')).toHaveCount(3);
  await expect(versions.getByRole('row').nth(1)).toContainText('Current');
  await versions.getByRole('row').nth(2).getByRole('button', { name: 'Disable' }).click();
  await expect(versions.getByRole('row').nth(2)).toContainText('Disabled');
  await expect(versions.getByRole('row').nth(2).getByRole('button', { name: 'Enable' })).toBeVisible();
  const changes = await db.query(`SELECT detail->>'change' AS change FROM audit_events WHERE action = 'secret.version_change' AND target_id = $1`, [secret.id]);
  expect(changes.rows).toEqual([{ change: 'disable' }]);
});

test('a value is refused for the same secret in another environment and flagged for any other secret', async ({ memberOf, db }) => {
  const production = await localSecret(db, { environment: 'production' });
  const staging = await localSecret(db, { environment: 'staging', name: production.name });
  const other = await localSecret(db);
  const page = await (await (await memberOf('engineer', production.id, staging.id, other.id)).browserContext()).newPage();
  const value = `shared-${randomUUID()}`;
  await write(page, production.id, value);
  await expect(outcome(page)).toContainText('Written to');

  await write(page, staging.id, value);
  await expect(outcome(page).getByRole('alert')).toContainText(`already used by ${production.name} in production`);
  await expect(page.getByText('Already used by the same secret in another environment')).toBeVisible();
  expect((await db.query('SELECT 1 FROM secret_versions WHERE secret_id = $1', [staging.id])).rowCount).toBe(0);

  await write(page, other.id, value);
  await expect(outcome(page)).toContainText('also used by 1 other secret');
});

test('a secret without a connection says so once, with the way to connect it; no empty versions table', async ({ memberOf, signedInContext, db }) => {
  const unconnected = await insertSecret(db, { ownerTeamId: (await insertTeam(db)).id, environmentId: await environmentId(db) });
  const page = await (await (await memberOf('engineer', unconnected.id)).browserContext()).newPage();
  await page.goto(`/inventory/${unconnected.id}/manage`);
  await expect(page.getByText('This secret is not connected to a provider yet')).toBeVisible();
  const connect = page.getByRole('link', { name: 'Connect it to a provider' });
  await expect(connect).toHaveAttribute('href', `/inventory/${unconnected.id}/edit`);
  await expect(page.getByRole('heading', { name: 'Versions' })).toHaveCount(0);
  await expect(page.getByText('Versions appear once the secret is connected')).toHaveCount(0);
  await expect(page.getByText('Write the first value above')).toHaveCount(0);
  await connect.click();
  await expect(page).toHaveURL(new RegExp(`/inventory/${unconnected.id}/edit$`));

  // Connected but empty, read by a viewer (no form above): no invitation to write "above".
  const connected = await localSecret(db);
  const viewer = await (await (await signedInContext('viewer')).browserContext()).newPage();
  await viewer.goto(`/inventory/${connected.id}/manage`);
  await expect(viewer.getByRole('heading', { name: 'Versions' })).toBeVisible();
  await expect(viewer.getByText('The provider holds no version of this secret yet.')).toBeVisible();
  await expect(viewer.getByText('Write the first value above')).toHaveCount(0);
});
