// Expiry dates: entered on the edit form, read from a pasted certificate, from a value
// written through the Secrets Management tab, or from the certificate chain an AWS secret
// holds (the emulator, reached by the real SDK). The next-due date, the "expiring" filter,
// the one notice per expiry date, who may read from the provider, and the canary: the PEM
// text (and its private key) never lands in Postgres or the audit trail.
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { db, pgPool } from '@/lib/db';
import { updatePolicy } from '@/lib/data/policies';
import { readExpiryFromProvider } from '@/lib/data/secret-expiry';
import { writeSecretValue } from '@/lib/data/secret-values';
import { createSecret, getSecret, listSecrets, updateSecret } from '@/lib/data/secrets';
import { ForbiddenError, InputError } from '@/lib/errors';
import { startRotation } from '@/lib/data/rotations';
import { advanceRotation } from '@/lib/rotation/engine';
import { rotationTick } from '@/lib/rotation/jobs';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { CERTIFICATE_ERRORS } from '@/lib/values/certificate';
import { startAwsSecretsManagerEmulator, type AwsSecretsManagerEmulator } from '../emulators/aws-secrets-manager';
import { secretsManagerClient } from '../support/aws-client';
import { makeCertificate, notAfterOf } from '../support/certificates';
import { auditEventsFor, callerAs, joinOwningTeam, secretInput, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const DAY = 86_400_000;
const soon = makeCertificate('soon.example.test', 20);
const later = makeCertificate('later.example.test', 400);
const intermediate = makeCertificate('Example Intermediate CA', 10);

/** Every text the database holds, as one string (what a pg_dump would show of the data). */
async function everythingInTheDatabase(): Promise<string> {
  const { rows } = await pgPool().query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  let all = '';
  for (const { t } of rows) all += (await pgPool().query(`SELECT to_jsonb(x)::text AS row FROM "${t}" x`)).rows.map((r) => r.row).join('\n');
  return all;
}

/** A line of base64 from inside a PEM block: what a leaked copy of it would contain. */
const bodyOf = (pem: string) => pem.split('\n')[2];

async function criticalLeadDays(): Promise<number> {
  return (await db.classificationPolicy.findUniqueOrThrow({ where: { classification: 'critical' } })).reminderDays;
}

/** A secret of an engineer's own team, rotated today every 90 days (so due in 90 days). */
async function ownSecret(overrides: Record<string, unknown> = {}) {
  const engineer = await callerAs('engineer');
  const input = await secretInput({ lastRotatedAt: new Date().toISOString().slice(0, 10), rotationIntervalDays: '90', ...overrides });
  const { id } = await createSecret(engineer, input);
  await joinOwningTeam(engineer, id);
  const opened = await getSecret(engineer, id);
  const save = (changes: Record<string, unknown>) => updateSecret(engineer, id, { ...input, expectedUpdatedAt: opened.updatedAt, ...changes });
  return { engineer, input, id, save };
}

describe('expiry on the edit form', () => {
  it('an entered date sets the expiry; next-due is the earlier of the schedule and the expiry minus the reminder lead', async () => {
    const { engineer, id, save } = await ownSecret();
    const lead = await criticalLeadDays();
    const expires = new Date(Date.now() + 30 * DAY);
    const day = expires.toISOString().slice(0, 10);
    await save({ expiresAt: day });
    const detail = await getSecret(engineer, id);
    expect(detail).toMatchObject({ expiresAt: `${day}T00:00:00.000Z`, expirySource: 'entered', certificateSubject: null });
    expect(detail.nextDueAt).toBe(new Date(new Date(`${day}T00:00:00Z`).getTime() - lead * DAY).toISOString());

    // A far expiry leaves the rotation schedule in charge; clearing it brings the schedule back.
    const { id: other, save: saveOther, engineer: owner } = await ownSecret();
    const scheduled = (await getSecret(owner, other)).nextDueAt;
    await saveOther({ expiresAt: '2099-01-01' });
    expect((await getSecret(owner, other)).nextDueAt).toBe(scheduled);
  });

  it("follows the secret's own reminder lead, and a change of the classification's default", async () => {
    const { engineer, id, save } = await ownSecret({ reminderDays: '3' });
    await save({ expiresAt: '2030-06-30', reminderDays: '3', lastRotatedAt: '', rotationIntervalDays: '' });
    expect((await getSecret(engineer, id)).nextDueAt).toBe('2030-06-27T00:00:00.000Z');

    const { engineer: e2, id: id2, save: save2 } = await ownSecret({ classification: 'sensitive' });
    await save2({ classification: 'sensitive', expiresAt: '2030-06-30', lastRotatedAt: '', rotationIntervalDays: '' });
    const admin = await callerAs('admin');
    const policy = await db.classificationPolicy.findUniqueOrThrow({ where: { classification: 'sensitive' } });
    await updatePolicy(admin, 'sensitive', { ...policy, reminderDays: '10', expectedUpdatedAt: policy.updatedAt.toISOString() });
    expect((await getSecret(e2, id2)).nextDueAt).toBe('2030-06-20T00:00:00.000Z');
    await updatePolicy(admin, 'sensitive', {
      ...policy,
      expectedUpdatedAt: (await db.classificationPolicy.findUniqueOrThrow({ where: { classification: 'sensitive' } })).updatedAt.toISOString(),
    });
  });

  it("a pasted chain sets the earliest notAfter and the leaf's subject; the text is kept nowhere", async () => {
    const { engineer, id, save } = await ownSecret();
    const chain = `${soon.certificatePem}${intermediate.certificatePem}`;
    await save({ certificate: chain });
    const detail = await getSecret(engineer, id);
    expect(detail.expiresAt).toBe(notAfterOf(intermediate.certificatePem).toISOString());
    expect(detail).toMatchObject({
      expirySource: 'certificate',
      certificateSubject: 'CN=soon.example.test, O=Test',
      certificateIssuer: 'CN=soon.example.test, O=Test',
    });
    const update = (await auditEventsFor(id)).find((e) => e.action === 'secret.update');
    expect(update?.changes).toMatchObject({ expiresAt: { after: detail.expiresAt }, certificateSubject: { after: 'CN=soon.example.test, O=Test' } });

    // Saving the form again as shown (the day of the stored expiry) keeps the certificate's.
    const again = await getSecret(engineer, id);
    await updateSecret(engineer, id, { ...(await secretInputOf(id)), expiresAt: detail.expiresAt, expectedUpdatedAt: again.updatedAt });
    expect(await getSecret(engineer, id)).toMatchObject({ expiresAt: detail.expiresAt, expirySource: 'certificate' });

    const dump = await everythingInTheDatabase();
    expect(dump).not.toContain(bodyOf(soon.certificatePem));
    expect(dump).not.toContain(bodyOf(intermediate.certificatePem));
  });

  it('refuses a paste holding a private key with a message that echoes nothing, and changes nothing', async () => {
    const { engineer, id, save } = await ownSecret();
    const before = await getSecret(engineer, id);
    const error = (await save({ certificate: `${later.certificatePem}${later.privateKeyPem}` }).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.fieldErrors).toEqual({ certificate: [CERTIFICATE_ERRORS.privateKey] });
    expect(await getSecret(engineer, id)).toEqual(before);
    const bad = (await save({ certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }).catch((e: unknown) => e)) as InputError;
    expect(bad.fieldErrors).toEqual({ certificate: [CERTIFICATE_ERRORS.unreadable] });
    const dump = await everythingInTheDatabase();
    expect(dump).not.toContain(bodyOf(later.privateKeyPem));
    expect(dump).not.toContain(bodyOf(later.certificatePem));
  });

  it('a new secret may start with a pasted certificate', async () => {
    const engineer = await callerAs('engineer');
    const { id } = await createSecret(engineer, await secretInput({ certificate: later.certificatePem }));
    await joinOwningTeam(engineer, id);
    expect(await getSecret(engineer, id)).toMatchObject({ expiresAt: notAfterOf(later.certificatePem).toISOString(), expirySource: 'certificate' });
  });

  it("another team's engineer cannot set the expiry (an owning-team field), and is audited", async () => {
    const { id, input } = await ownSecret();
    const outsider = await callerAs('engineer');
    const opened = await db.secret.findUniqueOrThrow({ where: { id } });
    await expect(updateSecret(outsider, id, { ...input, expiresAt: '2030-01-01', expectedUpdatedAt: opened.updatedAt.toISOString() })).rejects.toThrow(
      ForbiddenError,
    );
    expect((await db.secret.findUniqueOrThrow({ where: { id } })).expiresAt).toBeNull();
    expect((await auditEventsFor(id)).filter((e) => e.outcome === 'denied').map((e) => e.action)).toEqual(['secret.update']);
  });
});

/** The edit form's fields as createSecret stored them (for a second save). */
async function secretInputOf(id: string) {
  const s = await db.secret.findUniqueOrThrow({ where: { id }, include: { consumers: true } });
  return {
    name: s.name,
    description: s.description,
    environmentId: s.environmentId,
    ownerTeamId: s.ownerTeamId,
    classification: s.classification,
    providerKind: s.providerKind,
    providerRef: s.providerRef,
    lastRotatedAt: s.lastRotatedAt?.toISOString() ?? '',
    rotationIntervalDays: String(s.rotationIntervalDays ?? ''),
    tags: s.tags.join(', '),
  };
}

describe('the "expiring within N days" filter and the notice', () => {
  it('lists secrets expiring within N days (expired ones included), not later ones', async () => {
    const tag = `exp-${randomUUID().slice(0, 6)}`;
    const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);
    const near = await ownSecret({ tags: tag });
    await near.save({ tags: tag, expiresAt: inDays(10) });
    const gone = await ownSecret({ tags: tag });
    await gone.save({ tags: tag, expiresAt: inDays(-3) });
    const far = await ownSecret({ tags: tag });
    await far.save({ tags: tag, expiresAt: inDays(200) });
    const viewer = await callerAs('viewer');
    const names = async (expiring: string) => (await listSecrets(viewer, parseSecretListQuery({ tag, expiring }))).items.map((s) => s.id).sort();
    expect(await names('30')).toEqual([near.id, gone.id].sort());
    expect(await names('7')).toEqual([gone.id]);
    expect((await listSecrets(viewer, parseSecretListQuery({ tag, expiring: '30' }))).items.find((s) => s.id === near.id)?.expiresAt).toBe(
      `${inDays(10)}T00:00:00.000Z`,
    );
    // An unknown window is ignored like any malformed parameter.
    expect(parseSecretListQuery({ expiring: '11' }).expiring).toBeUndefined();
  });

  it('sends secret.expiring once per expiry date, when the expiry enters the reminder lead', async () => {
    const channel = await db.notificationChannel.create({
      data: { name: `ops-${randomUUID().slice(0, 8)}`, kind: 'webhook', url: 'http://127.0.0.1:9/hook', events: ['secret.expiring'] },
    });
    const { id, save } = await ownSecret({ reminderDays: '7' });
    await save({ reminderDays: '7', expiresAt: '2031-03-20' });
    // This secret's (the file's other secrets expire too, and the worker sees them all).
    const deliveries = async () =>
      (await db.notificationDelivery.findMany({ where: { channelId: channel.id }, orderBy: { createdAt: 'asc' } })).filter(
        (d) => (d.payload as { secret: { id: string } }).secret.id === id,
      );

    await rotationTick(new ManualClock(new Date('2031-03-01T00:00:00Z'))); // 19 days before: outside the lead
    expect(await deliveries()).toHaveLength(0);
    await rotationTick(new ManualClock(new Date('2031-03-14T00:00:00Z')));
    await rotationTick(new ManualClock(new Date('2031-03-15T00:00:00Z')));
    await rotationTick(new ManualClock(new Date('2031-03-21T00:00:00Z'))); // expired: still the same date, no second notice
    const sent = await deliveries();
    expect(sent.map((d) => d.event)).toEqual(['secret.expiring']);
    expect(sent[0].payload).toMatchObject({ secret: { id }, expiresAt: '2031-03-20T00:00:00.000Z' });

    // A new expiry date (the renewed credential) earns its own notice.
    const opened = await db.secret.findUniqueOrThrow({ where: { id } });
    await updateSecret(await joinOwningTeam(await callerAs('engineer'), id), id, {
      ...(await secretInputOf(id)),
      reminderDays: '7',
      expiresAt: '2031-04-01',
      expectedUpdatedAt: opened.updatedAt.toISOString(),
    });
    await rotationTick(new ManualClock(new Date('2031-03-28T00:00:00Z')));
    expect((await deliveries()).map((d) => d.event)).toEqual(['secret.expiring', 'secret.expiring']);
  });
});

describe('a rotation replaces the credential', () => {
  it('clears the old expiry (no loop of automatic rotations on the old date), and the audit names it', async () => {
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'generated', graceHours: 0 } });
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `first-${randomUUID()}`);
    const expiresAt = new Date('2026-12-20T00:00:00Z');
    await db.secret.update({ where: { id: secret.id }, data: { expiresAt, expirySource: 'entered', nextDueAt: new Date('2026-12-06T00:00:00Z') } });

    const clock = new ManualClock(new Date('2026-12-10T10:00:00Z'));
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'worker-a');
    const row = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    expect(row).toMatchObject({ expiresAt: null, expirySource: null, lastRotatedAt: clock.now() });
    expect(row.nextDueAt).toEqual(new Date(clock.now().getTime() + 90 * DAY));
    const promoted = (await auditEventsFor(secret.id)).find((e) => e.action === 'rotation.promoted');
    expect(promoted?.detail).toMatchObject({ expiryCleared: expiresAt.toISOString() });
  });
});

describe('certificates at the provider (AWS emulator)', () => {
  let aws: AwsSecretsManagerEmulator;
  beforeAll(async () => {
    aws = await startAwsSecretsManagerEmulator();
  });
  afterAll(() => aws.close());

  async function awsSecret() {
    const connection = await seedConnection('aws', { region: 'us-east-1', endpoint: aws.endpoint });
    const secret = await seedConnectedSecret(connection.id);
    const engineer = await joinOwningTeam(await callerAs('engineer'), secret.id);
    return { secret, engineer };
  }

  it('reads the expiry of the chain the provider holds, keeps only notAfter and subject, and audits the version', async () => {
    const { secret, engineer } = await awsSecret();
    // Someone renewed the certificate in the console: the provider's value is a key and its chain.
    const value = `${later.privateKeyPem}${later.certificatePem}${intermediate.certificatePem}`;
    const created = await secretsManagerClient(aws, 'us-east-1').send(new CreateSecretCommand({ Name: secret.providerRef, SecretString: value }));

    const { expiresAt } = await readExpiryFromProvider(engineer, secret.id);
    expect(expiresAt).toBe(notAfterOf(intermediate.certificatePem).toISOString());
    expect(await getSecret(engineer, secret.id)).toMatchObject({
      expiresAt,
      expirySource: 'provider_value',
      certificateSubject: 'CN=later.example.test, O=Test',
    });
    const event = (await auditEventsFor(secret.id)).find((e) => e.action === 'secret.expiry_read');
    expect(event).toMatchObject({ outcome: 'success', detail: { provider: 'aws', providerVersionId: created.VersionId } });

    const dump = await everythingInTheDatabase();
    for (const pem of [later.privateKeyPem, later.certificatePem, intermediate.certificatePem]) expect(dump).not.toContain(bodyOf(pem));
  });

  it('says so when the value is not a certificate, and audits the failure', async () => {
    const { secret, engineer } = await awsSecret();
    await secretsManagerClient(aws, 'us-east-1').send(new CreateSecretCommand({ Name: secret.providerRef, SecretString: 'canary-not-a-cert' }));
    const error = (await readExpiryFromProvider(engineer, secret.id).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/not a PEM certificate chain/);
    expect(error.message).not.toContain('canary');
    expect((await auditEventsFor(secret.id)).map((e) => [e.action, e.outcome, (e.detail as { error?: string }).error])).toEqual([
      ['secret.expiry_read', 'failed', 'not_a_certificate'],
    ]);
    expect(await everythingInTheDatabase()).not.toContain('canary-not-a-cert');
  });

  it.each(['viewer', 'auditor', 'outsider'] as const)('a %s cannot read the expiry from the provider: denied, audited, nothing read', async (who) => {
    const { secret } = await awsSecret();
    await secretsManagerClient(aws, 'us-east-1').send(new CreateSecretCommand({ Name: secret.providerRef, SecretString: later.certificatePem }));
    const caller = await callerAs(who === 'outsider' ? 'engineer' : who);
    await expect(readExpiryFromProvider(caller, secret.id)).rejects.toThrow(ForbiddenError);
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).expiresAt).toBeNull();
    expect((await auditEventsFor(secret.id)).map((e) => [e.action, e.outcome])).toEqual([['secret.expiry_read', 'denied']]);
  });

  it('a value written as a certificate chain records its expiry; a later plain value clears it', async () => {
    const { secret, engineer } = await awsSecret();
    const enter = () => ({ mode: 'enter', note: '', idempotencyToken: randomUUID() });
    await writeSecretValue(engineer, secret.id, enter(), `${soon.certificatePem}${soon.privateKeyPem}`);
    expect(await getSecret(engineer, secret.id)).toMatchObject({
      expiresAt: notAfterOf(soon.certificatePem).toISOString(),
      expirySource: 'provider_value',
      certificateSubject: 'CN=soon.example.test, O=Test',
    });
    const write = (await auditEventsFor(secret.id)).find((e) => e.action === 'secret.value_write');
    expect(write?.changes).toMatchObject({ expiresAt: { before: null, after: notAfterOf(soon.certificatePem).toISOString() } });

    // The new value replaces the credential: its old expiry no longer applies.
    await writeSecretValue(engineer, secret.id, enter(), `canary-${randomUUID()}`);
    expect(await getSecret(engineer, secret.id)).toMatchObject({ expiresAt: null, expirySource: null, certificateSubject: null });

    const dump = await everythingInTheDatabase();
    expect(dump).not.toContain(bodyOf(soon.certificatePem));
    expect(dump).not.toContain(bodyOf(soon.privateKeyPem));
  });
});
