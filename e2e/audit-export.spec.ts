// Exports for auditors, in the browser: an auditor filters the audit trail, downloads the
// CSV and an evidence bundle for exactly those filters, and the files hold the filtered
// events, the secret's provider access history, and verify (here with verifyBundle against
// the server's key, and on the app's verify page, which also names a tampered file); the
// access-history panel exports with its own filters. A viewer gets no export.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { verifyBundle } from '../lib/export/bundle/verify';
import { connectSecret, environmentId, insertAuditEvents, insertConnection, insertSecret, insertTeam } from './support/db';
import { expect, test } from './support/fixtures';
import { RESULTS_DIR } from './support/state';

// Screenshots for people to look at (not compared).
const SHOTS = path.join(RESULTS_DIR, 'screenshots');

test('an auditor filters the trail, exports CSV and an evidence bundle, and both verify', async ({ db, e2e, signedInContext }) => {
  // Audit events for one secret: 6 in production, 2 in staging (the filter leaves those out).
  const team = await insertTeam(db);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db, 'production') });
  const target = secret.id;
  const insert = (environment: string, count: number) =>
    insertAuditEvents(
      db,
      Array.from({ length: count }, (_, n) => ({
        actor_email: 'someone@example.test',
        actor_role: 'engineer',
        action: 'secret.update',
        target_type: 'secret',
        target_id: target,
        environment,
        detail: { n },
      })),
    );
  await insert('production', 6);
  await insert('staging', 2);
  // Its provider access history (as ingestion stores it): 4 reads by the app, 1 denied
  // read by someone else; and a read of another secret, which no export here includes.
  const connection = await insertConnection(db, { kind: 'aws', region: 'eu-west-1' });
  await connectSecret(db, secret.id, connection.id, 'prod/db');
  const other = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db, 'production') });
  const access = (secretId: string, principal: string, errorCode: string | null, count: number) =>
    db.query(
      `INSERT INTO access_events (id, connection_id, provider_event_id, occurred_at, event_name, principal, principal_type, source_ip, user_agent, secret_ref, secret_id, error_code)
       SELECT gen_random_uuid(), $1, gen_random_uuid()::text, now() - (i || ' minutes')::interval, 'GetSecretValue', $2, 'AssumedRole', '10.9.8.7', 'aws-sdk-js', 'prod/db', $3, $4
       FROM generate_series(1, $5::int) AS i`,
      [connection.id, principal, secretId, errorCode, count],
    );
  const APP = 'arn:aws:iam::123456789012:role/e2e-export-app';
  await access(secret.id, APP, null, 4);
  await access(secret.id, 'arn:aws:iam::123456789012:user/mallory', 'AccessDeniedException', 1);
  await access(other.id, APP, null, 2);

  const auditor = await signedInContext('auditor');
  const page = await (await auditor.browserContext()).newPage();
  await page.goto('/audit');
  const form = page.getByRole('search', { name: 'Filter audit events' });
  await form.getByLabel('Target id').fill(target);
  await form.getByLabel('Environment').fill('production');
  await form.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('targetId') === target && url.searchParams.get('environment') === 'production');
  await expect(page.getByRole('table', { name: 'Audit events, newest first' }).locator(':scope > tbody')).toHaveCount(6);
  await page.screenshot({ path: `${SHOTS}/audit-export.png`, fullPage: true });

  // CSV: the six filtered events, and nothing but the audit columns.
  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csvFile = await (await csvDownload).path();
  await expect(page.getByRole('status').filter({ hasText: /Downloaded/ })).toBeVisible();
  const records = parse(readFileSync(csvFile), { bom: true, columns: true }) as Record<string, string>[];
  expect(records).toHaveLength(6);
  expect(records.every((r) => r.targetId === target && r.environment === 'production')).toBe(true);

  // The bundle: verifies against the server's own public key, and covers the same filters.
  const bundleDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Evidence bundle' }).click();
  const bundle = await bundleDownload;
  expect(bundle.suggestedFilename()).toMatch(/^evidence-bundle-\d{4}-\d{2}-\d{2}\.zip$/);
  const bundleFile = await bundle.path();
  const serverKey = createPublicKey(createPrivateKey(e2e.serverEnv.AUDIT_SIGNING_KEY)).export({ format: 'pem', type: 'spki' }).toString();
  const result = await verifyBundle(bundleFile, { trustedPublicKey: serverKey });
  expect(result.problems).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.manifest?.filters).toEqual({ targetId: target, environment: 'production' });
  expect(result.manifest?.generatedBy.email).toBe(auditor.user.email);
  expect(result.files.map((f) => [f.name, f.actual.rows])).toEqual([
    ['audit-events.csv', 6],
    ['audit-events.jsonl', 6],
    ['access-events.csv', 5],
    ['access-events.jsonl', 5],
  ]);
  // Chained events: each recomputes to its hash; the filters left gaps between them.
  expect(result.chain).toMatchObject({ eventsChecked: 6, unchained: 0, problems: [] });
  expect(result.manifest?.files.find((f) => f.name === 'access-events.csv')?.filters).toEqual({ secret: target, environment: 'production' });

  // The access-history panel: prefilled from the filters that map, narrowed to the app's reads.
  await page.getByText('Export provider access history').click();
  const panel = page.getByRole('group', { name: 'Access history filters' });
  await expect(panel.getByLabel('Secret id')).toHaveValue(target);
  await expect(panel.getByLabel('Environment')).toHaveValue('production');
  await panel.getByLabel('Principal').fill(APP);
  await page.screenshot({ path: `${SHOTS}/audit-access-export.png`, fullPage: true });
  const accessDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Access history CSV' }).click();
  const accessRows = parse(readFileSync(await (await accessDownload).path()), { bom: true, columns: true }) as Record<string, string>[];
  expect(accessRows).toHaveLength(4);
  expect(accessRows.every((r) => r.secretId === target && r.principal === APP && r.secretName === secret.name && r.outcome === 'success')).toBe(true);
  // A malformed filter is refused with the server's message, and nothing downloads.
  await panel.getByLabel('Principal').fill('');
  await panel.getByLabel('Secret id').fill('not-a-secret-id');
  await page.getByRole('button', { name: 'Access history JSON Lines' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'secret: Use a secret id (a UUID).' })).toBeVisible();

  // The verify page: the same bundle verifies; one changed byte is named.
  await page.getByRole('link', { name: 'Verify a bundle' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Verify an evidence bundle' })).toBeVisible();
  await page.getByLabel(/Evidence bundle/).setInputFiles(bundleFile);
  await page.getByRole('button', { name: 'Verify' }).click();
  const verdict = page.getByRole('region', { name: 'Verification result' });
  await expect(verdict).toContainText('The bundle verifies');
  await expect(verdict).toContainText('signed by this server');
  await page.screenshot({ path: `${SHOTS}/audit-verify.png`, fullPage: true });

  // Flip one byte in the middle of the manifest-listed CSV's data: read the zip's local
  // header to find where that entry's bytes are.
  const zip = readFileSync(bundleFile);
  const at = zip.indexOf(Buffer.from('audit-events.csv'));
  const nameLength = zip.readUInt16LE(at - 4);
  const extraLength = zip.readUInt16LE(at - 2);
  const compressed = zip.readUInt32LE(at - 12);
  const tampered = Buffer.from(zip);
  // (Streamed entries carry their sizes after the data, so the header may say 0.)
  tampered[at + nameLength + extraLength + Math.max(Math.floor(compressed / 2), 40)] ^= 0x01;
  await page.getByLabel(/Evidence bundle/).setInputFiles({ name: 'tampered.zip', mimeType: 'application/zip', buffer: tampered });
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(verdict).toContainText('The bundle does NOT verify');
  await expect(verdict.getByRole('listitem').first()).toContainText('audit-events.csv:');
  await page.screenshot({ path: `${SHOTS}/audit-verify-tampered.png`, fullPage: true });
});

test('a viewer cannot export: no buttons, and the export routes refuse them', async ({ signedInContext, auditEvents, auditMark }) => {
  const viewer = await signedInContext('viewer');
  const page = await (await viewer.browserContext()).newPage();
  await page.goto('/audit');
  await expect(page.getByRole('button', { name: 'Export CSV' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Evidence bundle' })).toHaveCount(0);
  await expect(page.getByText('Export provider access history')).toHaveCount(0);

  const mark = await auditMark();
  expect((await viewer.request.get('/api/export/audit?format=csv')).status()).toBe(403);
  expect((await viewer.request.get('/api/export/audit/bundle')).status()).toBe(403);
  expect((await viewer.request.get('/api/export/access?format=csv')).status()).toBe(403);
  expect(await auditEvents({ afterId: mark, actorId: viewer.user.id })).toMatchObject([
    { action: 'audit.export', outcome: 'denied', detail: { permission: 'audit.export' } },
    { action: 'audit.export', outcome: 'denied', detail: { permission: 'audit.export' } },
    { action: 'audit.export', outcome: 'denied', detail: { permission: 'audit.export' } },
  ]);
});
