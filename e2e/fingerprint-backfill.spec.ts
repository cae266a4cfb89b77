// The fingerprint backfill on a connection's page (issue 16): an administrator turns it on
// (a run is sent at once), the real worker reads the current and previous version of an
// inventory secret written straight to the AWS emulator and keeps only their fingerprints;
// Run now runs it again, which reads nothing new; turning it off disables Run now.
// Screenshot to test-results/screenshots.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../test/emulators/aws-secrets-manager';
import { secretsManagerClient } from '../test/support/aws-client';
import { connectSecret, environmentId, insertConnection, insertSecret, insertTeam, unique } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');
const REGION = 'eu-west-1';

let aws: AwsSecretsManagerEmulator;
test.beforeAll(async () => {
  aws = await startAwsSecretsManagerEmulator();
});
test.afterAll(() => aws.close());

test('an administrator turns the fingerprint backfill on, runs it now and off again', async ({ page, db, seedUser, signIn, auditEvents }) => {
  const connection = await insertConnection(db, { kind: 'aws', region: REGION, endpoint: aws.endpoint });
  const team = await insertTeam(db);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db) });
  const ref = unique('e2e/backfill');
  await connectSecret(db, secret.id, connection.id, ref);
  const values = [`canary-previous-${randomUUID()}`, `canary-current-${randomUUID()}`];
  const sm = secretsManagerClient(aws, REGION);
  await sm.send(new CreateSecretCommand({ Name: ref, SecretString: values[0] }));
  await sm.send(new PutSecretValueCommand({ SecretId: ref, SecretString: values[1] }));
  sm.destroy();

  const admin = await seedUser('admin');
  await signIn(page, admin.email, admin.password);
  await page.goto(`/settings/providers/${connection.id}`);
  const section = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Fingerprint backfill for leak checks', exact: true }) });
  await expect(section.getByTestId('backfill-state')).toContainText('Off');
  await expect(section.getByTestId('backfill-last-run')).toHaveText('Not run yet.');
  await expect(section.getByRole('button', { name: 'Run now' })).toBeDisabled();

  await section.getByRole('button', { name: 'Turn backfill on' }).click();
  await expect(section.getByTestId('backfill-state')).toContainText('On');
  // The worker runs the first pass at once; the page shows it after a reload.
  await expect(async () => {
    await page.reload();
    await expect(section.getByTestId('backfill-last-run')).toContainText('2 versions read', { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(section.getByTestId('backfill-state')).toContainText('2 fingerprints recorded');
  expect(aws.requests.filter((r) => r === 'GetSecretValue')).toHaveLength(2);

  await section.getByRole('button', { name: 'Run now' }).click();
  await expect(async () => {
    expect(await auditEvents({ action: 'fingerprint.backfill_run', targetId: connection.id })).toHaveLength(2);
  }).toPass({ timeout: 30_000 });
  await page.reload();
  await expect(section.getByTestId('backfill-last-run')).toContainText('0 versions read');
  expect(aws.requests.filter((r) => r === 'GetSecretValue')).toHaveLength(2);
  expect(await auditEvents({ action: 'fingerprint.backfill_start', targetId: connection.id })).toHaveLength(1);

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/providers-fingerprint-backfill.png`, fullPage: true });

  await section.getByRole('button', { name: 'Turn backfill off' }).click();
  await expect(section.getByTestId('backfill-state')).toContainText('Off');
  await expect(section.getByRole('button', { name: 'Run now' })).toBeDisabled();
  expect(await auditEvents({ action: 'fingerprint.backfill_toggle', targetId: connection.id })).toHaveLength(2);

  // Nothing read was kept: not in any page, not in the database.
  const html = await page.content();
  const { rows } = await db.query<{ t: string }>(`SELECT string_agg(to_jsonb(f)::text, ' ') AS t FROM provider_version_fingerprints f`);
  for (const value of values) {
    expect(html).not.toContain(value);
    expect(rows[0].t ?? '').not.toContain(value);
  }
});
