// The daily due-and-overdue digest (lib/notifications/digest.ts), against a mail server
// this file starts on loopback: a channel routed to one team gets one message listing that
// team's due and overdue secrets only (and no per-secret notices); nothing to report sends
// nothing; the job run twice, or by two workers at once, records one digest per day; the
// email reads "N overdue, M due soon: <route>" with a table and no value.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { deliver } from '@/lib/notifications/deliver';
import { sendDueDigests } from '@/lib/notifications/digest';
import { DIGEST_MAX_ITEMS, type NotificationPayload } from '@/lib/notifications/events';
import { slackMessage } from '@/lib/notifications/format';
import { rotationTick } from '@/lib/rotation/jobs';
import { callerAs, environmentId, joinOwningTeam, seedConnectedSecret, seedConnection, seedTeam } from '../support/seed';
import { startSmtpReceiver } from '../support/smtp-receiver';
import { useTestDatabase } from '../support/test-database';

// A relay on this machine: plain SMTP is allowed to a loopback address.
const SMTP_PASSWORD = `pw-${randomUUID()}`;
const smtp = await startSmtpReceiver({ user: 'mailer', password: SMTP_PASSWORD });
process.env.SMTP_URL = `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}`;
process.env.SMTP_FROM = 'Secret inventory <secrets@example.test>';
afterAll(() => smtp.close());

useTestDatabase();

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const EVENTS = ['rotation.due_soon', 'rotation.overdue'];
const DAY = 86_400_000;

async function seedChannel(teamIds: string[], dueDigest: boolean) {
  return db.notificationChannel.create({
    data: { name: unique('mail'), kind: 'email', recipients: ['lead@example.test'], events: EVENTS, teamIds, dueDigest },
    select: { id: true },
  });
}

async function seedDue(teamId: string, dueAt: Date) {
  return db.secret.create({
    data: {
      name: unique('api-key'),
      environmentId: await environmentId('production'),
      ownerTeamId: teamId,
      classification: 'critical',
      nextDueAt: dueAt,
      reminderDays: 7,
    },
    select: { id: true, name: true },
  });
}

const digestsOf = (channelId: string) => db.notificationDelivery.findMany({ where: { channelId, event: 'rotation.digest' } });
const payloadOf = (row: { payload: unknown }) => row.payload as NotificationPayload;

describe('due and overdue digest', () => {
  it('sends a routed channel one digest of its own team’s secrets, and no per-secret notices', async () => {
    const [teamA, teamB] = [await seedTeam(), await seedTeam()];
    const digestA = await seedChannel([teamA.id], true);
    const perSecretA = await seedChannel([teamA.id], false);
    const now = new Date('2033-03-01T07:00:00Z');
    const aOverdue = await seedDue(teamA.id, new Date(now.getTime() - 3 * DAY));
    const aSoon = await seedDue(teamA.id, new Date(now.getTime() + 2 * DAY));
    await seedDue(teamA.id, new Date(now.getTime() + 30 * DAY)); // outside its reminder window
    await seedDue(teamB.id, new Date(now.getTime() - 1 * DAY));

    await rotationTick(new ManualClock(now));
    expect(await db.notificationDelivery.count({ where: { channelId: digestA.id } })).toBe(0);
    expect(await db.notificationDelivery.count({ where: { channelId: perSecretA.id } })).toBe(2);

    await sendDueDigests(new ManualClock(now));
    const rows = await digestsOf(digestA.id);
    expect(rows).toHaveLength(1);
    const { digest, url } = payloadOf(rows[0]!);
    expect(digest).toMatchObject({ day: '2033-03-01', route: teamA.name, overdue: 1, dueSoon: 1 });
    expect(digest!.items.map((i) => [i.id, i.overdue])).toEqual([
      [aOverdue.id, true],
      [aSoon.id, false],
    ]);
    expect(url).toContain(`/rotation?`);
    expect(url).toContain(`owner=${teamA.id}`);
    expect(await digestsOf(perSecretA.id)).toHaveLength(0);
  });

  it('sends nothing when the route has nothing due', async () => {
    const team = await seedTeam();
    const channel = await seedChannel([team.id], true);
    await seedDue(team.id, new Date('2033-05-30T00:00:00Z'));
    await sendDueDigests(new ManualClock(new Date('2033-04-01T07:00:00Z')));
    expect(await db.notificationDelivery.count({ where: { channelId: channel.id } })).toBe(0);
  });

  it('records one digest per channel and day, however often and by however many workers the job runs', async () => {
    const team = await seedTeam();
    const channel = await seedChannel([team.id], true);
    const now = new Date('2033-06-01T07:00:00Z');
    await seedDue(team.id, new Date(now.getTime() - DAY));
    await Promise.all([sendDueDigests(new ManualClock(now)), sendDueDigests(new ManualClock(now))]);
    await sendDueDigests(new ManualClock(new Date(now.getTime() + 3600_000)));
    expect(await digestsOf(channel.id)).toHaveLength(1);
    // The next day is a new digest.
    await sendDueDigests(new ManualClock(new Date(now.getTime() + DAY)));
    expect((await digestsOf(channel.id)).map((r) => payloadOf(r).digest!.day).sort()).toEqual(['2033-06-01', '2033-06-02']);
  });

  it(`lists at most ${DIGEST_MAX_ITEMS} secrets and counts the rest`, async () => {
    const team = await seedTeam();
    const channel = await seedChannel([team.id], true);
    const now = new Date('2033-07-01T07:00:00Z');
    for (let i = 0; i < DIGEST_MAX_ITEMS + 2; i++) await seedDue(team.id, new Date(now.getTime() - (i + 1) * 3600_000));
    await sendDueDigests(new ManualClock(now));
    const [row] = await digestsOf(channel.id);
    expect(payloadOf(row!).digest).toMatchObject({ overdue: DIGEST_MAX_ITEMS + 2, dueSoon: 0 });
    expect(payloadOf(row!).digest!.items).toHaveLength(DIGEST_MAX_ITEMS);
    const before = smtp.received.length;
    expect(await deliver(row!.id)).toMatchObject({ status: 'delivered' });
    expect(smtp.received.slice(before)[0]!.text).toContain('… and 2 more');
    // Slack: the headline links to the Rotation page; the list is split under Slack's section limit.
    const slack = slackMessage(payloadOf(row!));
    expect(slack.text).toBe(`Due and overdue digest: ${DIGEST_MAX_ITEMS + 2} overdue: ${team.name}`);
    expect(slack.blocks[0]).toMatchObject({ text: { text: expect.stringContaining(`<${payloadOf(row!).url}|`) } });
    expect(slack.blocks.filter((b) => b.type === 'section')).toHaveLength(1 + DIGEST_MAX_ITEMS / 10 + 1);
    expect(JSON.stringify(slack.blocks)).toContain('… and 2 more');
  });

  it('mails the digest with a readable subject, a table and no value', async () => {
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id, { name: unique('db <primary>'), providerRef: unique('production/db') });
    await joinOwningTeam(engineer, secret.id);
    const value = `canary-${randomUUID()}`;
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, value);
    const now = new Date('2033-08-01T07:00:00Z');
    const { ownerTeamId } = await db.secret.update({
      where: { id: secret.id },
      data: { nextDueAt: new Date(now.getTime() - DAY) },
      select: { ownerTeamId: true },
    });
    await seedDue(ownerTeamId, new Date(now.getTime() + DAY));
    const team = await db.team.findUniqueOrThrow({ where: { id: ownerTeamId }, select: { name: true } });
    const channel = await seedChannel([ownerTeamId], true);

    await sendDueDigests(new ManualClock(now));
    const [row] = await digestsOf(channel.id);
    const before = smtp.received.length;
    expect(await deliver(row!.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    const mails = smtp.received.slice(before);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.to).toEqual(['lead@example.test']);
    expect(mail!.subject).toBe(`1 overdue, 1 due soon: ${team.name}`);
    expect(mail!.text).toContain(`Overdue 2033-07-31: ${secret.name} (production), ${team.name}`);
    expect(mail!.html).toContain('<th align="left" style="padding:2px 12px 2px 0">Secret</th>');
    expect(mail!.html).toContain('db &lt;primary&gt;');
    expect(mail!.raw).not.toContain(value);
  });
});
