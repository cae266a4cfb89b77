// Expiry through the real UI: an engineer of the owning team pastes a certificate on the
// edit form (a paste with a private key is refused without echoing it), then sees the
// expiry on the detail page and the secret in the inventory's "Expiring within 30 days"
// filter, with its badge; the calendar shows the expiry on its day. A viewer cannot edit.
// Screenshots for people to look at go to test-results/screenshots/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { makeCertificate, notAfterOf } from '../test/support/certificates';
import { LocalStore } from '../lib/providers/local-store';
import { connectSecret, environmentId, insertConnection, insertSecret, insertTeam, unique } from './support/db';
import { expect, test } from './support/fixtures';
import { LOCAL_PROVIDER_DIR, RESULTS_DIR } from './support/state';

const SHOTS = path.join(RESULTS_DIR, 'screenshots');

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test('an engineer pastes a certificate, sees its expiry on the secret and in the expiring filter; a viewer cannot edit', async ({
  db,
  memberOf,
  sessionAs,
}) => {
  const team = await insertTeam(db);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db), name: unique('e2e-tls-cert') });
  const certificate = makeCertificate('shop.example.test', 20);
  const notAfter = notAfterOf(certificate.certificatePem).toISOString();
  const day = notAfter.slice(0, 10);

  const engineer = await memberOf('engineer', secret.id);
  const edit = await (await engineer.browserContext()).newPage();
  await edit.goto(`/inventory/${secret.id}/edit`);
  const pem = edit.getByLabel('Certificate (PEM)');

  // A private key in the paste is refused on the field, and nothing of it comes back.
  await pem.fill(`${certificate.certificatePem}${certificate.privateKeyPem}`);
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByText('This text contains a private key.').first()).toBeVisible();
  await expect(pem).toHaveAttribute('aria-invalid', 'true');
  const keyLine = certificate.privateKeyPem.split('\n')[1];
  await expect(edit.getByRole('alert').filter({ hasText: keyLine })).toHaveCount(0);

  await pem.fill(certificate.certificatePem);
  await edit.screenshot({ path: `${SHOTS}/expiry-edit-form.png`, fullPage: true });
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toHaveURL(new RegExp(`/inventory/${secret.id}$`));

  const expiry = edit.locator('section', { has: edit.getByRole('heading', { name: 'Expiry', exact: true }) });
  await expect(expiry.getByText(day)).toBeVisible();
  await expect(expiry.getByText('Read from a pasted certificate')).toBeVisible();
  await expect(expiry.getByText('CN=shop.example.test, O=Test').first()).toBeVisible();
  await edit.screenshot({ path: `${SHOTS}/expiry-detail.png`, fullPage: true });

  // The inventory's filter finds it, with its badge beside the due date; the URL holds the filter.
  await edit.goto(`/inventory?q=${encodeURIComponent(secret.name)}`);
  await edit.getByLabel('Expiry').selectOption('30');
  await edit.getByRole('button', { name: 'Apply filters' }).click();
  await expect(edit).toHaveURL((url) => url.searchParams.get('expiring') === '30');
  const row = edit.getByRole('row').filter({ has: edit.getByRole('link', { name: secret.name }) });
  await expect(row.getByText(`Expires ${day}`)).toBeVisible();
  await edit.screenshot({ path: `${SHOTS}/expiry-inventory-filter.png`, fullPage: true });
  await edit.goto(`/inventory?expiring=7&q=${encodeURIComponent(secret.name)}`);
  await expect(edit.getByRole('link', { name: secret.name })).toHaveCount(0);

  // The calendar shows the expiry on its day, apart from the due date.
  await edit.goto(`/rotation/calendar?day=${day}&q=${encodeURIComponent(secret.name)}`);
  await expect(edit.getByRole('table', { name: `Credentials expiring on ${day}` }).getByRole('link', { name: secret.name })).toBeVisible();
  await edit.screenshot({ path: `${SHOTS}/expiry-calendar.png`, fullPage: true });

  // A viewer sees the expiry but has no way to edit it.
  const viewer = await sessionAs('viewer');
  const read = await (await viewer.browserContext()).newPage();
  await read.goto(`/inventory/${secret.id}`);
  await expect(read.getByText(day).first()).toBeVisible();
  await expect(read.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  await expect(read.getByRole('button', { name: 'Read expiry from the provider' })).toHaveCount(0);
  await read.goto(`/inventory/${secret.id}/edit`);
  await expect(read.getByText('Your role can read the inventory but not change it.')).toBeVisible();
  await expect(read.getByLabel('Certificate (PEM)')).toHaveCount(0);
});

test('an engineer reads the expiry of the certificate chain the provider holds; the page shows it, never the value', async ({ db, e2e, memberOf }) => {
  const team = await insertTeam(db);
  const secret = await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db), name: unique('e2e-provider-cert') });
  const ref = `production/${secret.name}`;
  await connectSecret(db, secret.id, (await insertConnection(db)).id, ref);
  const certificate = makeCertificate('api.example.test', 45);
  // A TLS secret as people store it: the key beside the certificate.
  const store = new LocalStore(LOCAL_PROVIDER_DIR, Buffer.from(e2e.localProviderKey, 'base64url'));
  await store.write(ref, `${certificate.privateKeyPem}${certificate.certificatePem}`, crypto.randomUUID(), {});
  const day = notAfterOf(certificate.certificatePem).toISOString().slice(0, 10);

  const engineer = await memberOf('engineer', secret.id);
  const page = await (await engineer.browserContext()).newPage();
  await page.goto(`/inventory/${secret.id}`);
  const expiry = page.locator('section', { has: page.getByRole('heading', { name: 'Expiry', exact: true }) });
  await expect(expiry.getByText('No expiry recorded')).toBeVisible();
  await expiry.getByRole('button', { name: 'Read expiry from the provider' }).click();
  await expect(expiry.getByText(day)).toBeVisible();
  await expect(expiry.getByText("Read from the provider's certificate")).toBeVisible();
  await expect(page.getByText(certificate.privateKeyPem.split('\n')[1])).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/expiry-read-from-provider.png`, fullPage: true });
});
