// The REST API page (/api-docs): every signed-in role reads the same reference, rendered
// from the OpenAPI document that /api/v1/openapi.json serves publicly, grouped by area with
// each operation's scope, parameters, body and answer. Screenshots go to test-results/screenshots/.
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');

test('the API page renders the OpenAPI document for a viewer', async ({ signedInContext, playwright, e2e }) => {
  const anonymous = await playwright.request.newContext({ baseURL: e2e.baseURL });
  const response = await anonymous.get('/api/v1/openapi.json');
  expect(response.status()).toBe(200);
  const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { summary: string }>> };
  await anonymous.dispose();
  expect(doc.openapi).toBe('3.1.0');

  const page = await (await (await signedInContext('viewer')).browserContext()).newPage();
  await page.goto('/api-docs');
  await expect(page.getByRole('heading', { level: 1, name: 'REST API' })).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'api-docs-top.png') });
  for (const area of ['Secrets', 'Rotation', 'Teams and systems', 'Audit', 'Posture', 'Errors']) {
    await expect(page.getByRole('heading', { level: 2, name: area })).toBeVisible();
  }
  // Every operation of the document has its card, named by method and path.
  const operations = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
  for (const name of operations) await expect(page.getByRole('heading', { level: 3, name, exact: true })).toHaveCount(1);

  const valueWrite = page.getByRole('region', { name: 'POST /secrets/{id}/value' });
  await expect(valueWrite.getByText('values:write')).toBeVisible();
  await expect(
    valueWrite.getByRole('table', { name: 'Request body of POST /secrets/{id}/value' }).getByRole('cell', { name: 'value', exact: true }),
  ).toBeVisible();
  // A schema opens from the keyboard.
  const schema = valueWrite.getByText('Answer schema of POST /secrets/{id}/value');
  await schema.focus();
  await page.keyboard.press('Enter');
  await expect(valueWrite.getByText('"versionId"')).toBeVisible();
  await valueWrite.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'api-docs-value-write.png') });
  await page.close();
});
