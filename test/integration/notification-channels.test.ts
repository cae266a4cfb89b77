// The notification channels data layer: admin-only CRUD with audit (URLs masked), the
// test event against a loopback receiver, and the delivery history's keyset pages.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import {
  createChannel,
  deleteChannel,
  DELIVERY_PAGE_SIZE,
  getChannel,
  listChannels,
  listDeliveries,
  maskUrl,
  sendTestEvent,
  updateChannel,
} from '@/lib/data/notification-channels';
import { ForbiddenError, InputError, NotFoundError } from '@/lib/errors';
import { channelSigningKey, verifySignature } from '@/lib/notifications/signing';
import { auditEventsFor, callerAs } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { useWebhookReceiver } from '../support/use-webhook-receiver';
import { errorOf } from '../support/errors';

useTestDatabase();

const receiver = useWebhookReceiver();

const input = (overrides: Record<string, unknown> = {}) => ({
  name: `alerts ${randomUUID().slice(0, 8)}`,
  kind: 'slack',
  url: 'https://hooks.slack.com/services/T000/B000/XXXXsecrettoken',
  events: ['rotation.failed', 'secret.compromised'],
  enabled: 'on',
  ...overrides,
});

describe('notification channels', () => {
  it('lets an administrator create, read, update and delete a channel, audited with the URL masked', async () => {
    const admin = await callerAs('admin');
    const { id } = await createChannel(admin, input({ events: ['secret.compromised', 'rotation.failed', 'rotation.failed'] }));
    const channel = await getChannel(admin, id);
    expect(channel).toMatchObject({
      kind: 'slack',
      events: ['rotation.failed', 'secret.compromised'],
      dueDigest: false,
      enabled: true,
      maskedUrl: 'https://hooks.slack.com/services/…',
      signingKey: channelSigningKey(id),
    });
    expect((await listChannels(admin)).find((c) => c.id === id)).toMatchObject({ lastDelivery: null, maskedUrl: 'https://hooks.slack.com/services/…' });

    await updateChannel(
      admin,
      id,
      input({
        name: channel.name,
        url: 'https://hooks.slack.com/services/T000/B000/YYYYothertoken',
        dueDigest: 'on',
        enabled: '',
        expectedUpdatedAt: channel.updatedAt,
      }),
    );
    expect(await getChannel(admin, id)).toMatchObject({ dueDigest: true, enabled: false });
    expect((await listChannels(admin)).find((c) => c.id === id)).toMatchObject({ dueDigest: true });
    // A stale form is refused.
    expect(await errorOf(updateChannel(admin, id, input({ expectedUpdatedAt: channel.updatedAt })))).toBeInstanceOf(InputError);

    await deleteChannel(admin, id);
    expect(await errorOf(getChannel(admin, id))).toBeInstanceOf(NotFoundError);

    const events = await auditEventsFor(id);
    expect(events.map((e) => e.action)).toEqual(['notification_channel.create', 'notification_channel.update', 'notification_channel.delete']);
    const text = JSON.stringify(events.map((e) => ({ changes: e.changes, detail: e.detail })));
    expect(text).not.toContain('secrettoken');
    expect(text).not.toContain('othertoken');
    expect(events[1].changes).toMatchObject({
      url: { before: expect.stringContaining('services/…'), after: expect.stringContaining('services/…') },
      dueDigest: { before: false, after: true },
      enabled: { before: true, after: false },
    });
  });

  it('explains bad input per field', async () => {
    const admin = await callerAs('admin');
    const error = await errorOf(createChannel(admin, input({ url: 'ftp://example.test/x', events: [], kind: 'pager' })));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).fieldErrors).toMatchObject({
      url: ['The URL must start with https:// or http://'],
      events: ['Choose at least one event'],
      kind: [expect.any(String)],
    });
  });

  it('refuses every other role, audits the denial and changes nothing', async () => {
    const admin = await callerAs('admin');
    const { id } = await createChannel(admin, input());
    const before = await db.notificationChannel.findMany({ orderBy: { id: 'asc' } });
    for (const role of ['engineer', 'viewer', 'auditor', null] as const) {
      const caller = await callerAs(role);
      for (const attempt of [
        () => listChannels(caller),
        () => getChannel(caller, id),
        () => createChannel(caller, input()),
        () => updateChannel(caller, id, input()),
        () => deleteChannel(caller, id),
        () => sendTestEvent(caller, id),
        () => listDeliveries(caller, id),
      ]) {
        expect(await errorOf(attempt())).toBeInstanceOf(ForbiddenError);
      }
    }
    expect(await db.notificationChannel.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    expect(await db.notificationDelivery.count({ where: { channelId: id } })).toBe(0);
    const denials = (await auditEventsFor(id)).filter((e) => e.outcome === 'denied');
    expect(denials.length).toBeGreaterThanOrEqual(3 * 5);
    expect(denials.every((e) => (e.detail as { permission?: string }).permission === 'admin.notifications')).toBe(true);
  });

  it('sends a test event now, even to a disabled channel, and records it in the history', async () => {
    const admin = await callerAs('admin');
    const { id } = await createChannel(admin, input({ kind: 'webhook', url: receiver.url('/test'), enabled: '' }));
    const before = receiver.received.length;
    expect(await sendTestEvent(admin, id)).toEqual({ delivered: true, statusCode: 200, error: null });
    const request = receiver.received[before];
    expect(verifySignature(request.headers['x-secret-inventory-signature'] as string, request.body, channelSigningKey(id))).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({ event: 'notification.test', test: true });

    // The receiver's answer body is not echoed: only the status code and our own words.
    receiver.respondWith({ status: 404, body: 'internal-service-says-hello' });
    expect(await sendTestEvent(admin, id)).toEqual({ delivered: false, statusCode: 404, error: 'HTTP 404' });
    const history = await listDeliveries(admin, id);
    expect(history.items.map((d) => [d.status, d.lastStatusCode, d.test, d.secretName])).toEqual([
      ['failed', 404, true, 'example-api-key'],
      ['delivered', 200, true, 'example-api-key'],
    ]);
    expect((await listChannels(admin)).find((c) => c.id === id)?.lastDelivery).toMatchObject({ status: 'failed', lastStatusCode: 404 });
    expect((await auditEventsFor(id)).filter((e) => e.action === 'notification_channel.test').map((e) => e.outcome)).toEqual(['success', 'failed']);
  });

  it('pages the delivery history newest first by keyset', async () => {
    const admin = await callerAs('admin');
    const { id } = await createChannel(admin, input({ kind: 'webhook', url: receiver.url() }));
    const count = DELIVERY_PAGE_SIZE + 3;
    const base = Date.parse('2026-11-01T00:00:00Z');
    // Two deliveries share each timestamp, so the id breaks ties.
    await db.notificationDelivery.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        channelId: id,
        event: 'rotation.failed',
        payload: {},
        createdAt: new Date(base + Math.floor(i / 2) * 1000),
      })),
    });
    const first = await listDeliveries(admin, id);
    expect(first.total).toBe(count);
    expect(first.items).toHaveLength(DELIVERY_PAGE_SIZE);
    const second = await listDeliveries(admin, id, { after: first.nextCursor! });
    expect(second.items).toHaveLength(3);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((d) => d.id)).size).toBe(count);
    const keys = all.map((d) => `${d.createdAt}|${d.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it('masks URLs down to scheme, host and first path segment', () => {
    expect(maskUrl('https://hooks.slack.com/services/T/B/X')).toBe('https://hooks.slack.com/services/…');
    expect(maskUrl('https://example.test/hook?token=abc')).toBe('https://example.test/hook/…');
    expect(maskUrl('https://example.test/')).toBe('https://example.test');
  });
});
