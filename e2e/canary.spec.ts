// THE canary: the product's core promise, end to end on the production build. An
// engineer writes unique values through the Secrets Management tab to an AWS-backed, a
// GCP-backed and a local secret (entered and generated). Each value must be found in
// its provider (the protocol-level emulators, the local store) and in NONE of: every
// response body the browser received (HTML, RSC payloads, action results, errors),
// every URL it requested, a full dump of the database, the server's stdout/stderr, the
// audit page, the inventory export. Then again with the providers failing the write.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { dumpDatabase, placesHolding, recordTraffic } from './support/canary';
import { LocalStore } from '../lib/providers/local-store';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../test/emulators/aws-secrets-manager';
import { startGcpSecretManagerEmulator, type GcpSecretManagerEmulator } from '../test/emulators/gcp-secret-manager';
import { connectSecret, environmentId, insertConnection, insertSecret, insertTeam, joinOwningTeam, type Db } from './support/db';
import { expect, test } from './support/fixtures';
import { buildServerActions, callServerAction } from './support/next-build';
import { LOCAL_PROVIDER_DIR, RESULTS_DIR, SERVER_LOG } from './support/state';

let aws: AwsSecretsManagerEmulator;
let gcp: GcpSecretManagerEmulator;

test.beforeAll(async () => {
  aws = await startAwsSecretsManagerEmulator();
  gcp = await startGcpSecretManagerEmulator({ projectNumbers: { 'canary-project': '424242424242' } });
});
test.afterAll(async () => {
  await aws?.close();
  await gcp?.close();
});

type Kind = 'aws' | 'gcp' | 'local';

async function connectedSecret(db: Db, kind: Kind): Promise<{ id: string; name: string; ref: string }> {
  const connection = await insertConnection(db, {
    kind,
    ...(kind === 'aws' ? { region: 'us-east-1', endpoint: aws.endpoint } : {}),
    ...(kind === 'gcp' ? { projectId: 'canary-project', endpoint: gcp.endpoint } : {}),
  });
  const secret = await insertSecret(db, { ownerTeamId: (await insertTeam(db)).id, environmentId: await environmentId(db) });
  const ref = kind === 'gcp' ? `production-${secret.name}` : `production/${secret.name}`;
  await connectSecret(db, secret.id, connection.id, ref);
  return { ...secret, ref };
}

async function writeValue(page: Page, secretId: string, value: string | null): Promise<void> {
  await page.goto(`/inventory/${secretId}/manage`);
  if (value === null) {
    await page.getByLabel('Generate one on the server').check();
    await page.getByLabel('Length').fill('40');
  } else {
    await page.getByRole('textbox', { name: 'Value', exact: true }).fill(value);
  }
  await page.getByLabel('Change note').fill('canary test');
  await page.getByRole('button', { name: /write to/i }).click();
}

test('a written value reaches its provider and nothing else', async ({ signedInContext, db, e2e }) => {
  const engineer = await signedInContext('engineer');
  const page = await (await engineer.browserContext()).newPage();
  const traffic = recordTraffic(page);
  const secrets = { aws: await connectedSecret(db, 'aws'), gcp: await connectedSecret(db, 'gcp'), local: await connectedSecret(db, 'local') };
  for (const secret of Object.values(secrets)) await joinOwningTeam(db, secret.id, engineer.user.id);
  const localStore = new LocalStore(LOCAL_PROVIDER_DIR, Buffer.from(e2e.localProviderKey, 'base64url'));
  const values: string[] = [];

  // Entered values, one per provider; JSON and several lines, as people paste them.
  for (const kind of ['aws', 'gcp', 'local'] as const) {
    const value = `{"password": "canary-${kind}-${randomUUID()}",\n "user": "app"}`;
    values.push(value);
    await writeValue(page, secrets[kind].id, value);
    await expect(page.getByRole('status').filter({ hasText: 'Written to' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Value', exact: true })).toHaveValue(''); // the page let go of it
    await expect(page.getByRole('table', { name: /versions/i }).getByRole('row')).toHaveCount(2); // header + the new version
  }
  expect(aws.storedValues()).toContain(values[0]);
  expect(gcp.storedValues()).toContain(values[1]);
  expect(await localStore.open(secrets.local.ref, '1')).toBe(values[2]);

  // Generated values: learn them from the providers, then look for them everywhere too.
  const awsBefore = new Set(aws.storedValues());
  await writeValue(page, secrets.aws.id, null);
  await expect(page.getByRole('status').filter({ hasText: 'Written to' })).toBeVisible();
  const generatedAws = aws.storedValues().filter((v) => !awsBefore.has(v));
  expect(generatedAws).toHaveLength(1);
  expect(generatedAws[0]).toHaveLength(40);
  values.push(generatedAws[0]);
  const gcpBefore = new Set(gcp.storedValues());
  await writeValue(page, secrets.gcp.id, null);
  await expect(page.getByRole('status').filter({ hasText: 'Written to' })).toBeVisible();
  const generatedGcp = gcp.storedValues().filter((v) => !gcpBefore.has(v));
  expect(generatedGcp).toHaveLength(1);
  values.push(generatedGcp[0]);

  // For people to look at (not compared): the tab after two writes to AWS.
  await page.goto(`/inventory/${secrets.aws.id}/manage`);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'manage-aws.png'), fullPage: true });
  await page.goto(`/inventory/${secrets.gcp.id}/manage`);
  await page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'manage-gcp.png'), fullPage: true });

  // Where an auditor or a dump would look.
  await page.goto('/audit');
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  const exported = await engineer.request.get('/api/export/inventory');
  expect(exported.status()).toBe(200);
  let exportBody = await exported.text();
  // The auditors' exports of the audit trail (the evidence bundle holds the same files).
  const auditor = await signedInContext('auditor');
  for (const format of ['csv', 'jsonl']) {
    const audit = await auditor.request.get(`/api/export/audit?format=${format}`);
    expect(audit.status()).toBe(200);
    exportBody += await audit.text();
  }

  const received = await traffic.received();
  const dump = await dumpDatabase(db, e2e);
  const serverLog = readFileSync(SERVER_LOG, 'utf8');
  for (const value of values) {
    const needle = value.includes('canary-') ? /canary-[a-z]+-[0-9a-f-]{36}/.exec(value)![0] : value;
    expect(placesHolding(needle, { received, urls: traffic.urls.join('\n'), dump, serverLog, exportBody })).toEqual([]);
  }
  // The audit trail recorded every write, without the values.
  const events = await db.query(`SELECT detail::text FROM audit_events WHERE action = 'secret.value_write' AND outcome = 'success'`);
  expect(events.rowCount).toBeGreaterThanOrEqual(5);
});

test('a write the provider refuses leaves no value and no version anywhere', async ({ signedInContext, db, e2e }) => {
  const engineer = await signedInContext('engineer');
  const page = await (await engineer.browserContext()).newPage();
  const traffic = recordTraffic(page);
  const secrets = { aws: await connectedSecret(db, 'aws'), gcp: await connectedSecret(db, 'gcp') };
  for (const secret of Object.values(secrets)) await joinOwningTeam(db, secret.id, engineer.user.id);
  aws.faults.add({ operation: 'PutSecretValue', error: 'permission_denied' });
  aws.faults.add({ operation: 'CreateSecret', error: 'permission_denied' });
  gcp.faults.add({ operation: 'AddSecretVersion', error: 'unavailable' });
  gcp.faults.add({ operation: 'CreateSecret', error: 'unavailable' });
  const values = { aws: `canary-aws-${randomUUID()}`, gcp: `canary-gcp-${randomUUID()}` };
  try {
    await writeValue(page, secrets.aws.id, values.aws);
    await expect(page.locator('#value-form-outcome').getByRole('alert')).toContainText('not allowed');
    await writeValue(page, secrets.gcp.id, values.gcp);
    await expect(page.locator('#value-form-outcome').getByRole('alert')).toContainText('could not be reached');
  } finally {
    aws.faults.clear();
    gcp.faults.clear();
  }
  expect(aws.storedValues()).not.toContain(values.aws);
  expect(gcp.storedValues()).not.toContain(values.gcp);
  const versions = await db.query(`SELECT 1 FROM secret_versions WHERE secret_id = ANY($1::uuid[])`, [[secrets.aws.id, secrets.gcp.id]]);
  expect(versions.rowCount).toBe(0);
  const failures = await db.query(
    `SELECT detail->>'error' AS error FROM audit_events WHERE action = 'secret.value_write' AND outcome = 'failed' AND target_id = ANY($1)`,
    [[secrets.aws.id, secrets.gcp.id]],
  );
  expect(failures.rows.map((r) => r.error).sort()).toEqual(['permission_denied', 'unavailable']);

  const received = await traffic.received();
  const dump = await dumpDatabase(db, e2e);
  const serverLog = readFileSync(SERVER_LOG, 'utf8');
  for (const value of Object.values(values)) {
    expect(placesHolding(value, { received, urls: traffic.urls.join('\n'), dump, serverLog })).toEqual([]);
  }
});

test('viewers and auditors get no form, their direct calls are refused, and neither database nor cloud changes', async ({ signedInContext, db, e2e }) => {
  const secrets = [await connectedSecret(db, 'aws'), await connectedSecret(db, 'gcp')];
  const write = buildServerActions()!.find((a) => a.exportedName === 'writeSecretValueAction')!;
  // Reading the version list is allowed for every role; writes must never reach a cloud.
  const WRITES = ['CreateSecret', 'PutSecretValue', 'UpdateSecret', 'UpdateSecretVersionStage', 'TagResource', 'AddSecretVersion'];
  const cloudRequests = () => [...aws.requests, ...gcp.requests].filter((op) => WRITES.includes(op)).length;
  const before = { requests: cloudRequests(), versions: (await db.query(`SELECT count(*)::int AS n FROM secret_versions`)).rows[0].n };
  for (const role of ['viewer', 'auditor'] as const) {
    const session = await signedInContext(role);
    const page = await (await session.browserContext()).newPage();
    await page.goto(`/inventory/${secrets[0].id}/manage`);
    await expect(page.getByText('Only engineers and administrators can write values.')).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Value', exact: true })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /write to/i })).toHaveCount(0);
    for (const secret of secrets) {
      const value = `canary-denied-${randomUUID()}`;
      const outcome = await callServerAction(session.request, e2e.baseURL, write, [
        secret.id,
        { mode: 'enter', note: '', idempotencyToken: randomUUID(), value },
      ]);
      expect(outcome.result).toEqual({ ok: false, error: 'You do not have permission to do that.' });
      expect(outcome.body).not.toContain(value);
    }
  }
  expect(cloudRequests(), 'writes reaching the cloud emulators').toBe(before.requests);
  expect((await db.query(`SELECT count(*)::int AS n FROM secret_versions`)).rows[0].n).toBe(before.versions);
  const denials = await db.query(`SELECT actor_role FROM audit_events WHERE action = 'secret.value_write' AND outcome = 'denied' AND target_id = ANY($1)`, [
    secrets.map((s) => s.id),
  ]);
  expect(denials.rows.map((r) => r.actor_role).sort()).toEqual(['auditor', 'auditor', 'viewer', 'viewer']);
});
