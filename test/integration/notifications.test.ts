// Webhook notifications end to end against a receiver on loopback: signatures, the Slack
// body, delivery success/failure/retry accounting, and notify() inside a transaction.
// NOTIFICATION_TIMEOUT_MS is set before anything reads the settings, for the timeout case.
process.env.NOTIFICATION_TIMEOUT_MS = '1000';

import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { DELIVERY_MAX_ATTEMPTS } from '@/lib/jobs/queues';
import { deliver, DeliveryRetryError } from '@/lib/notifications/deliver';
import { NOTIFICATION_EVENTS, ZNotificationPayload, type NotificationPayload } from '@/lib/notifications/events';
import { emailMessage, genericBody, slackMessage } from '@/lib/notifications/format';
import { notify } from '@/lib/notifications/notify';
import { channelSigningKey, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader, verifySignature } from '@/lib/notifications/signing';
import { environmentId, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { useWebhookReceiver } from '../support/use-webhook-receiver';
import { startWebhookReceiver } from '../support/webhook-receiver';

useTestDatabase();

const receiver = useWebhookReceiver();

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

async function seedChannel(fields: { kind?: 'webhook' | 'slack'; url?: string; events?: string[]; enabled?: boolean } = {}) {
  return db.notificationChannel.create({
    data: {
      name: unique('channel'),
      kind: fields.kind ?? 'webhook',
      url: fields.url ?? receiver.url(),
      events: fields.events ?? [...NOTIFICATION_EVENTS],
      enabled: fields.enabled ?? true,
    },
    select: { id: true },
  });
}

async function seedSecret() {
  const team = await seedTeam();
  return db.secret.create({
    data: { name: unique('payments-api-key'), environmentId: await environmentId(), ownerTeamId: team.id, classification: 'critical' },
    select: { id: true, name: true },
  });
}

const samplePayload = (overrides: Partial<NotificationPayload> = {}): NotificationPayload => ({
  event: 'rotation.completed',
  occurredAt: '2026-11-26T10:00:00.000Z',
  secret: { id: randomUUID(), name: 'db <primary> & co', environment: 'production', ownerTeam: 'Payments' },
  run: { id: randomUUID(), strategy: 'generated', trigger: 'scheduled', state: 'completed' },
  url: 'http://localhost:3000/inventory/x',
  ...overrides,
});

async function seedDelivery(channelId: string, payload: NotificationPayload = samplePayload()) {
  return db.notificationDelivery.create({ data: { channelId, event: payload.event, payload }, select: { id: true } });
}

const deliveryRow = (id: string) => db.notificationDelivery.findUniqueOrThrow({ where: { id } });

describe('signatures', () => {
  it('round-trips, and refuses a changed body, another key or an old timestamp', () => {
    const key = channelSigningKey(randomUUID());
    const body = JSON.stringify(samplePayload());
    const now = 1_800_000_000;
    const header = signatureHeader(key, body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, key, { nowSeconds: now + 10 })).toBe(true);
    expect(verifySignature(header, `${body} `, key, { nowSeconds: now })).toBe(false);
    expect(verifySignature(header, body, channelSigningKey(randomUUID()), { nowSeconds: now })).toBe(false);
    expect(verifySignature(header, body, key, { nowSeconds: now + 301 })).toBe(false);
    expect(verifySignature(undefined, body, key)).toBe(false);
    expect(verifySignature('t=1800000000,v1=zz', body, key, { nowSeconds: now })).toBe(false);
  });

  it('derives a stable key per channel, different between channels', () => {
    const id = randomUUID();
    expect(channelSigningKey(id)).toBe(channelSigningKey(id));
    expect(channelSigningKey(id)).toMatch(/^[0-9a-f]{64}$/);
    expect(channelSigningKey(id)).not.toBe(channelSigningKey(randomUUID()));
  });
});

describe('bodies', () => {
  it('posts the payload itself as generic JSON', () => {
    const payload = samplePayload();
    expect(JSON.parse(genericBody(payload))).toEqual(payload);
  });

  it('builds a Slack message: fallback text, escaped sections with a link, run fields, a context line', () => {
    const payload = samplePayload({ reason: 'leaked in <logs>' });
    const message = slackMessage(payload);
    // The fallback line is mrkdwn like the blocks: escaped the same way.
    expect(message.text).toBe('Rotation completed: db &lt;primary&gt; &amp; co (production)');
    const mention = slackMessage(samplePayload({ secret: { ...samplePayload().secret!, name: '<!channel> <https://evil.example|click>' } }));
    expect(mention.text).toBe('Rotation completed: &lt;!channel&gt; &lt;https://evil.example|click&gt; (production)');
    expect(mention.text).not.toMatch(/[<>]/);
    expect(message.blocks.map((b) => b.type)).toEqual(['section', 'section', 'section', 'context']);
    const [title, facts, reason, context] = message.blocks;
    expect(title).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*Rotation completed*: <http://localhost:3000/inventory/x|db &lt;primary&gt; &amp; co> (production)' },
    });
    expect(facts.type === 'section' && facts.fields?.map((f) => f.text)).toEqual([
      '*Environment*\nproduction',
      '*Owner*\nPayments',
      '*Strategy*\ngenerated',
      '*Trigger*\nscheduled',
      '*State*\ncompleted',
    ]);
    expect(reason).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Reason*\nleaked in &lt;logs&gt;' } });
    expect(context.type === 'context' && context.elements[0].text).toContain('2026-11-26T10:00:00.000Z');
  });

  it('builds a Slack message for a discovery digest: the connection, the count, the first names escaped', () => {
    const payload = ZNotificationPayload.parse({
      event: 'discovery.new_unmanaged',
      occurredAt: '2026-11-26T10:00:00.000Z',
      discovery: { connectionId: randomUUID(), connection: 'aws <prod>', scanId: randomUUID(), newUnmanaged: 12, names: ['prod/a', '<!channel>'] },
      url: 'http://localhost:3000/settings/providers/x',
    });
    const message = slackMessage(payload);
    expect(message.text).toBe('Discovery found new unmanaged secrets: aws &lt;prod&gt; (12 new)');
    expect(message.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'prod/a\n&lt;!channel&gt;\n… and 10 more' } });
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    // A digest names no secret of the inventory; neither may a payload carry names beyond ten.
    expect(ZNotificationPayload.safeParse({ ...payload, discovery: { ...payload.discovery!, names: Array(11).fill('x') } }).success).toBe(false);
  });

  it('names the stragglers of a held rotation in every body (escaped for Slack)', () => {
    const payload = ZNotificationPayload.parse(
      samplePayload({ event: 'rotation.held', run: { ...samplePayload().run!, state: 'in_grace' }, stragglers: ['orders-api', '10.0.0.9 · <cron>'] }),
    );
    const slack = JSON.stringify(slackMessage(payload));
    expect(slack).toContain('orders-api\\n10.0.0.9 · &lt;cron&gt;');
    const email = emailMessage(payload);
    expect(email.text).toContain('Still on the old value: orders-api, 10.0.0.9 · <cron>');
    expect(email.html).toContain('10.0.0.9 · &lt;cron&gt;');
    expect(JSON.parse(genericBody(payload)).stragglers).toEqual(['orders-api', '10.0.0.9 · <cron>']);
    expect(ZNotificationPayload.safeParse({ ...payload, stragglers: Array(51).fill('x') }).success).toBe(false);
  });

  it('refuses payload fields nobody declared', () => {
    expect(ZNotificationPayload.safeParse({ ...samplePayload(), value: 'hunter2' }).success).toBe(false);
    expect(ZNotificationPayload.safeParse({ ...samplePayload(), secret: { ...samplePayload().secret, value: 'x' } }).success).toBe(false);
  });
});

describe('deliver', () => {
  it('posts a signed generic body and records the delivery', async () => {
    const channel = await seedChannel();
    const payload = samplePayload();
    const { id } = await seedDelivery(channel.id, payload);
    const before = receiver.received.length;
    const outcome = await deliver(id);
    expect(outcome).toEqual({ status: 'delivered', attempts: 1, statusCode: 200, error: null });
    const request = receiver.received[before];
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers[EVENT_HEADER.toLowerCase()]).toBe('rotation.completed');
    expect(request.headers[DELIVERY_HEADER.toLowerCase()]).toBe(id);
    expect(JSON.parse(request.body)).toEqual(payload);
    const signature = request.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(verifySignature(signature, request.body, channelSigningKey(channel.id))).toBe(true);
    const row = await deliveryRow(id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null });
    expect(row.deliveredAt).toBeInstanceOf(Date);
    // A job that runs again after a crash finds nothing left to send.
    expect((await deliver(id)).status).toBe('skipped');
    expect(receiver.received.length).toBe(before + 1);
  });

  it('posts a Slack body to Slack channels', async () => {
    const channel = await seedChannel({ kind: 'slack' });
    const { id } = await seedDelivery(channel.id);
    const before = receiver.received.length;
    await deliver(id);
    const body = JSON.parse(receiver.received[before].body);
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
  });

  it('counts failed attempts, asks for a retry, and fails for good after the last one', async () => {
    const channel = await seedChannel();
    const { id } = await seedDelivery(channel.id);
    receiver.respondWith(...Array.from({ length: DELIVERY_MAX_ATTEMPTS }, () => ({ status: 503, body: `busy\n\u0000${'x'.repeat(500)}` })));
    for (let attempt = 1; attempt < DELIVERY_MAX_ATTEMPTS; attempt++) {
      const error = await errorOf(deliver(id));
      expect(error).toBeInstanceOf(DeliveryRetryError);
      const row = await deliveryRow(id);
      expect(row).toMatchObject({ status: 'pending', attempts: attempt, lastStatusCode: 503 });
      // The receiver's answer is not echoed: only the status code and our words.
      expect(row.lastError).toBe('HTTP 503');
    }
    const last = await deliver(id);
    expect(last).toMatchObject({ status: 'failed', attempts: DELIVERY_MAX_ATTEMPTS, statusCode: 503 });
    expect(await deliveryRow(id)).toMatchObject({ status: 'failed', attempts: DELIVERY_MAX_ATTEMPTS, deliveredAt: null });
  });

  it('succeeds on a retry after a failure', async () => {
    const channel = await seedChannel();
    const { id } = await seedDelivery(channel.id);
    receiver.respondWith(500);
    expect(await errorOf(deliver(id))).toBeInstanceOf(DeliveryRetryError);
    expect(await deliver(id)).toMatchObject({ status: 'delivered', attempts: 2, statusCode: 200 });
  });

  it('fails at once on an answer a retry cannot change (400, redirect)', async () => {
    const channel = await seedChannel();
    const a = await seedDelivery(channel.id);
    receiver.respondWith(400);
    expect(await deliver(a.id)).toMatchObject({ status: 'failed', attempts: 1, statusCode: 400, error: 'HTTP 400' });
    const b = await seedDelivery(channel.id);
    receiver.respondWith(302);
    expect(await deliver(b.id)).toMatchObject({ status: 'failed', statusCode: 302 });
    expect((await deliveryRow(b.id)).lastError).toContain('redirects are not followed');
  });

  it('retries when nothing listens, with our own words for why', async () => {
    const probe = await startWebhookReceiver();
    const closedUrl = probe.url();
    await probe.close();
    const channel = await seedChannel({ url: closedUrl });
    const { id } = await seedDelivery(channel.id);
    const error = await errorOf(deliver(id));
    expect(error).toBeInstanceOf(DeliveryRetryError);
    expect(await deliveryRow(id)).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: 'The connection was refused.' });
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const slow = await startWebhookReceiver();
    slow.hang();
    try {
      const channel = await seedChannel({ url: slow.url() });
      const { id } = await seedDelivery(channel.id);
      const outcome = await deliver(id, { finalAttempt: true });
      expect(outcome).toMatchObject({ status: 'failed', statusCode: null, error: 'No answer within 1 s.' });
    } finally {
      await slow.close();
    }
  });

  it('does not post for a channel disabled after the event was recorded', async () => {
    const channel = await seedChannel({ enabled: false });
    const { id } = await seedDelivery(channel.id);
    const before = receiver.received.length;
    expect(await deliver(id)).toMatchObject({ status: 'failed', error: 'The channel was disabled before this event was sent.' });
    expect(receiver.received.length).toBe(before);
  });
});

describe('notify', () => {
  // Channels seeded by the tests above listen to every event; these tests count their own.
  beforeEach(async () => {
    await db.notificationChannel.updateMany({ data: { enabled: false } });
  });

  it('records one delivery per enabled, subscribed channel with the secret and run as the transaction sees them', async () => {
    const subscribed = await seedChannel({ events: ['rotation.completed'] });
    const other = await seedChannel({ events: ['rotation.failed'] });
    const disabled = await seedChannel({ events: ['rotation.completed'], enabled: false });
    const secret = await seedSecret();
    const run = await db.rotationRun.create({
      data: { secretId: secret.id, strategy: 'generated', trigger: 'manual', state: 'in_grace', graceHours: 24 },
      select: { id: true },
    });
    const occurredAt = new Date('2026-11-26T12:00:00Z');
    const ids = await db.$transaction(async (tx) => {
      await tx.rotationRun.update({ where: { id: run.id }, data: { state: 'completed' } });
      return notify(tx, { event: 'rotation.completed', occurredAt, secretId: secret.id, runId: run.id });
    });
    expect(ids).toHaveLength(1);
    const rows = await db.notificationDelivery.findMany({ where: { channelId: { in: [subscribed.id, other.id, disabled.id] } } });
    expect(rows.map((r) => r.channelId)).toEqual([subscribed.id]);
    const team = await db.secret.findUniqueOrThrow({ where: { id: secret.id }, select: { ownerTeam: { select: { name: true } } } });
    expect(rows[0]).toMatchObject({ id: ids[0], event: 'rotation.completed', status: 'pending', attempts: 0 });
    expect(rows[0].payload).toEqual({
      event: 'rotation.completed',
      occurredAt: '2026-11-26T12:00:00.000Z',
      secret: { id: secret.id, name: secret.name, environment: 'production', ownerTeam: team.ownerTeam.name },
      run: { id: run.id, strategy: 'generated', trigger: 'manual', state: 'completed' },
      url: `http://localhost:3000/inventory/${secret.id}`,
    });
  });

  it('leaves no delivery when the transaction rolls back', async () => {
    const channel = await seedChannel({ events: ['secret.compromised'] });
    const secret = await seedSecret();
    let recorded: string[] = [];
    const error = await errorOf(
      db.$transaction(async (tx) => {
        recorded = await notify(tx, { event: 'secret.compromised', occurredAt: new Date(), secretId: secret.id, reason: 'pasted in chat' });
        throw new Error('the change failed');
      }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(recorded).toHaveLength(1);
    expect(await db.notificationDelivery.count({ where: { channelId: channel.id } })).toBe(0);
  });

  it('records nothing when no channel listens', async () => {
    const secret = await seedSecret();
    const ids = await db.$transaction((tx) => notify(tx, { event: 'rotation.due_soon', occurredAt: new Date(), secretId: secret.id }));
    expect(ids).toEqual([]);
    expect(await db.notificationDelivery.count({ where: { payload: { path: ['secret', 'id'], equals: secret.id } } })).toBe(0);
  });
});
