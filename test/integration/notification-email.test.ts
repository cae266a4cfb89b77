// Email channels and routing rules, against a mail server this file starts on loopback
// (STARTTLS with a test certificate, a login): an event becomes one mail to the channel's
// recipients with the right subject and body and no value; SMTP failures are retried or
// not by their reply code; a channel routed to team A hears nothing about team B's
// secrets; the due and overdue reminders reach each team's channel with its own secrets.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { createChannel, sendTestEvent } from '@/lib/data/notification-channels';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { InputError } from '@/lib/errors';
import { deliver, DeliveryRetryError } from '@/lib/notifications/deliver';
import { NOTIFICATION_EVENTS } from '@/lib/notifications/events';
import { notify } from '@/lib/notifications/notify';
import { rotationTick } from '@/lib/rotation/jobs';
import { ZChannelInput } from '@/lib/validation/notification-channel';
import { makeCertificate } from '../support/certificates';
import { callerAs, environmentId, joinOwningTeam, seedConnectedSecret, seedConnection, seedTeam } from '../support/seed';
import { startSmtpReceiver } from '../support/smtp-receiver';
import { useTestDatabase } from '../support/test-database';

// The mail server's certificate (CN=localhost) is trusted through SMTP_TLS_CA_FILE, as an
// operator's private CA would be. Settings are read lazily, so setting them here is in time.
const certificate = makeCertificate('localhost', 30);
const caFile = path.join(mkdtempSync(path.join(tmpdir(), 'smtp-ca-')), 'ca.pem');
writeFileSync(caFile, certificate.certificatePem);
const SMTP_PASSWORD = `pw-${randomUUID()}`;
const smtp = await startSmtpReceiver({ tls: { key: certificate.privateKeyPem, cert: certificate.certificatePem }, user: 'mailer', password: SMTP_PASSWORD });
process.env.SMTP_URL = `smtp://mailer:${SMTP_PASSWORD}@localhost:${smtp.port}`;
process.env.SMTP_FROM = 'Secret inventory <secrets@example.test>';
process.env.SMTP_TLS_CA_FILE = caFile;
afterAll(() => smtp.close());

useTestDatabase();

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

type Route = { teamIds?: string[]; environmentIds?: string[]; classifications?: ('critical' | 'important' | 'sensitive')[] };

async function seedEmailChannel(recipients: string[], route: Route = {}, events: string[] = [...NOTIFICATION_EVENTS]) {
  return db.notificationChannel.create({
    data: { name: unique('mail'), kind: 'email', recipients, events, ...route },
    select: { id: true },
  });
}

async function seedSecret(
  fields: { teamId?: string; environment?: 'development' | 'staging' | 'production'; classification?: 'critical' | 'important' | 'sensitive' } = {},
) {
  return db.secret.create({
    data: {
      name: unique('payments-api-key'),
      environmentId: await environmentId(fields.environment),
      ownerTeamId: fields.teamId ?? (await seedTeam()).id,
      classification: fields.classification ?? 'critical',
    },
    select: { id: true, name: true, ownerTeamId: true },
  });
}

const notifyAbout = (secretId: string, event: 'rotation.overdue' | 'secret.compromised' = 'rotation.overdue') =>
  db.$transaction((tx) => notify(tx, { event, occurredAt: new Date('2026-12-01T09:00:00Z'), secretId }));

const deliveriesOf = (channelId: string) => db.notificationDelivery.findMany({ where: { channelId }, orderBy: { createdAt: 'asc' } });

/** The delivery notify() recorded for `channelId` (the file's other channels get theirs too). */
async function deliveryFor(channelId: string, secretId: string): Promise<string> {
  const ids = await notifyAbout(secretId);
  return (await db.notificationDelivery.findFirstOrThrow({ where: { id: { in: ids }, channelId }, select: { id: true } })).id;
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('email delivery', () => {
  it('mails the event to every recipient over STARTTLS, with subject, text and HTML, a link, and no value', async () => {
    // A secret that really has a value (the local provider), so its absence means something.
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id, { name: unique('db <primary> & co'), providerRef: unique('production/db') });
    await joinOwningTeam(engineer, secret.id);
    const value = `canary-${randomUUID()}`;
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, value);
    const channel = await seedEmailChannel(['lead@example.test', 'oncall@example.test']);

    const id = await deliveryFor(channel.id, secret.id);
    const before = smtp.received.length;
    expect(await deliver(id)).toMatchObject({ status: 'delivered', attempts: 1, error: null });

    const mails = smtp.received.slice(before);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.to).toEqual(['lead@example.test', 'oncall@example.test']);
    expect(mail.from).toBe('secrets@example.test');
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe('mailer');
    expect(mail.subject).toBe(`Rotation overdue: ${secret.name} (production)`);
    expect(mail.text).toContain(`Secret: ${secret.name}`);
    expect(mail.text).toContain('Environment: production');
    expect(mail.text).toMatch(new RegExp(`Open in the dashboard: http\\S+/inventory/${secret.id}`));
    // The name is escaped in HTML, not markup.
    expect(mail.html).toContain(secret.name.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'));
    expect(mail.html).not.toContain('<primary>');
    expect(mail.html).toContain(`/inventory/${secret.id}"`);
    expect(mail.raw).not.toContain(value);
    expect(mail.raw).not.toContain(SMTP_PASSWORD);
    const [row] = await deliveriesOf(channel.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastError: null, lastStatusCode: null });
  });

  it('retries after the mail server defers (SMTP 451), then delivers', async () => {
    const channel = await seedEmailChannel(['lead@example.test']);
    const secret = await seedSecret();
    const id = await deliveryFor(channel.id, secret.id);
    smtp.refuseNext(451);
    const error = await errorOf(deliver(id));
    expect(error).toBeInstanceOf(DeliveryRetryError);
    expect((error as DeliveryRetryError).outcome).toMatchObject({ status: 'pending', attempts: 1, error: 'The mail server deferred the message (SMTP 451).' });
    expect(await deliver(id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect((await deliveriesOf(channel.id))[0]).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
  });

  it('fails at once when the mail server refuses the message (SMTP 550), in our words', async () => {
    const channel = await seedEmailChannel(['nobody@example.test']);
    const secret = await seedSecret();
    const id = await deliveryFor(channel.id, secret.id);
    smtp.refuseNext(550);
    expect(await deliver(id)).toMatchObject({ status: 'failed', attempts: 1, error: 'The mail server refused the message (SMTP 550).' });
  });

  it('sends a test event from Settings, recorded and audited', async () => {
    const admin = await callerAs('admin');
    const { id } = await createChannel(admin, {
      name: unique('mail'),
      kind: 'email',
      recipients: 'lead@example.test',
      events: ['rotation.overdue'],
      enabled: true,
    });
    const before = smtp.received.length;
    expect(await sendTestEvent(admin, id)).toEqual({ delivered: true, statusCode: null, error: null });
    expect(smtp.received.slice(before).map((m) => [m.to, m.subject])).toEqual([[['lead@example.test'], '[Test] Test event: example-api-key (production)']]);
  });
});

describe('routing', () => {
  it('sends a team’s events only to channels routed to that team (or to all)', async () => {
    const [teamA, teamB] = [await seedTeam(), await seedTeam()];
    const forA = await seedEmailChannel(['a@example.test'], { teamIds: [teamA.id] });
    const forB = await seedEmailChannel(['b@example.test'], { teamIds: [teamB.id] });
    const forAll = await seedEmailChannel(['all@example.test']);
    const stagingOnly = await seedEmailChannel(['staging@example.test'], { environmentIds: [await environmentId('staging')] });
    const sensitiveOnly = await seedEmailChannel(['sensitive@example.test'], { classifications: ['sensitive'] });
    const aProdSensitive = await seedEmailChannel(['a-prod@example.test'], {
      teamIds: [teamA.id],
      environmentIds: [await environmentId('production')],
      classifications: ['sensitive'],
    });

    const secretA = await seedSecret({ teamId: teamA.id, classification: 'sensitive' });
    const recorded = await notifyAbout(secretA.id, 'secret.compromised');
    // This test's channels (the file's other channels hear about everything).
    const mine = [forA, forB, forAll, stagingOnly, sensitiveOnly, aProdSensitive].map((c) => c.id);
    const channelsOf = async (ids: string[]) =>
      (await db.notificationDelivery.findMany({ where: { id: { in: ids }, channelId: { in: mine } }, select: { channelId: true } }))
        .map((d) => d.channelId)
        .sort();
    expect(await channelsOf(recorded)).toEqual([forA.id, forAll.id, sensitiveOnly.id, aProdSensitive.id].sort());
    expect(await deliveriesOf(forB.id)).toHaveLength(0);
    expect(await deliveriesOf(stagingOnly.id)).toHaveLength(0);

    const secretB = await seedSecret({ teamId: teamB.id, environment: 'staging' });
    expect(await channelsOf(await notifyAbout(secretB.id, 'secret.compromised'))).toEqual([forB.id, forAll.id, stagingOnly.id].sort());
  });

  it('sends events about no secret (discovery) only to channels without routing', async () => {
    const team = await seedTeam();
    const routed = await seedEmailChannel(['routed@example.test'], { teamIds: [team.id] });
    const unrouted = await seedEmailChannel(['all@example.test']);
    const connection = await seedConnection('local');
    const ids = await db.$transaction((tx) =>
      notify(tx, {
        event: 'discovery.new_unmanaged',
        occurredAt: new Date(),
        discovery: { connectionId: connection.id, connection: connection.name, scanId: randomUUID(), newUnmanaged: 2, names: ['a', 'b'] },
      }),
    );
    const rows = await db.notificationDelivery.findMany({ where: { id: { in: ids } }, select: { channelId: true } });
    expect(rows.map((r) => r.channelId)).toContain(unrouted.id);
    expect(rows.map((r) => r.channelId)).not.toContain(routed.id);
  });

  it('gives each team’s channel the due and overdue reminders of its own secrets only', async () => {
    const [teamA, teamB] = [await seedTeam(), await seedTeam()];
    const events = ['rotation.due_soon', 'rotation.overdue'];
    const forA = await seedEmailChannel(['lead-a@example.test'], { teamIds: [teamA.id] }, events);
    const forB = await seedEmailChannel(['lead-b@example.test'], { teamIds: [teamB.id] }, events);
    const now = new Date('2032-06-01T00:00:00Z');
    const dueAt = (days: number) => new Date(now.getTime() + days * 86_400_000);
    const seedDue = async (teamId: string, days: number) => {
      const secret = await seedSecret({ teamId });
      await db.secret.update({ where: { id: secret.id }, data: { nextDueAt: dueAt(days), reminderDays: 7 } });
      return secret.id;
    };
    const aOverdue = await seedDue(teamA.id, -3);
    const aSoon = await seedDue(teamA.id, 2);
    const bOverdue = await seedDue(teamB.id, -1);

    await rotationTick(new ManualClock(now));
    const about = async (channelId: string) =>
      (await deliveriesOf(channelId)).map((d) => `${d.event} ${(d.payload as { secret: { id: string } }).secret.id}`).sort();
    expect(await about(forA.id)).toEqual([`rotation.due_soon ${aSoon}`, `rotation.overdue ${aOverdue}`].sort());
    expect(await about(forB.id)).toEqual([`rotation.overdue ${bOverdue}`]);
  });
});

describe('channel input', () => {
  const base = { name: 'Team mail', kind: 'email', events: ['rotation.overdue'], enabled: true };
  const recipientErrors = (recipients: string) => {
    const parsed = ZChannelInput.safeParse({ ...base, recipients });
    return parsed.success ? [] : parsed.error.issues.filter((i) => i.path[0] === 'recipients').map((i) => i.message);
  };

  it('asks for recipients, names each bad address alone, and keeps the good ones normalised', () => {
    expect(recipientErrors('')).toEqual(['Enter at least one recipient']);
    expect(recipientErrors('ok@example.test, not-an-address\nalso bad@')).toEqual([
      'Not an email address: not-an-address',
      'Not an email address: also',
      'Not an email address: bad@',
    ]);
    const parsed = ZChannelInput.parse({ ...base, recipients: 'Lead@Example.test\nlead@example.test, ops@example.test', url: 'https://ignored.example' });
    expect(parsed).toMatchObject({ recipients: ['lead@example.test', 'ops@example.test'], url: null, teamIds: [], environmentIds: [], classifications: [] });
  });

  it('refuses a team that does not exist', async () => {
    const admin = await callerAs('admin');
    const error = await errorOf(createChannel(admin, { ...base, name: unique('mail'), recipients: 'a@example.test', teamIds: [randomUUID()] }));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).fieldErrors).toEqual({ teamIds: ['A chosen team no longer exists; reload the page'] });
  });
});
