// The mail server is an outbound connection like a webhook: SMTP_URL pointing at a cloud
// metadata address is refused by the egress policy (no retries, our own words), and the
// transport requires STARTTLS for any mail server that is not on this machine.
process.env.SMTP_URL = 'smtp://mailer:password@169.254.169.254:25';
process.env.SMTP_FROM = 'secrets@example.test';

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { deliver } from '@/lib/notifications/deliver';
import { sendEmail, smtpServer, transportOptions } from '@/lib/notifications/email';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

describe('the mail server and the egress policy', () => {
  it('refuses a link-local mail server at once, without retries, in our words', async () => {
    expect(await sendEmail({ to: ['a@example.test'], subject: 's', text: 't', html: 'h' })).toEqual({
      sent: false,
      error: expect.stringContaining('link-local address'),
      permanent: true,
    });
    const channel = await db.notificationChannel.create({
      data: { name: `mail-${randomUUID().slice(0, 8)}`, kind: 'email', recipients: ['a@example.test'], events: ['rotation.overdue'] },
    });
    const payload = { event: 'notification.test', occurredAt: new Date().toISOString(), url: 'http://localhost:3000/x', test: true };
    const delivery = await db.notificationDelivery.create({ data: { channelId: channel.id, event: payload.event, payload } });
    expect(await deliver(delivery.id)).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringContaining('EGRESS_ALLOW') });
  });

  it('requires STARTTLS unless the mail server is loopback; smtps:// is TLS from the start', () => {
    const server = smtpServer()!;
    expect(server).toEqual({ host: '169.254.169.254', port: 25, secure: false, user: 'mailer', pass: 'password' });
    expect(transportOptions({ ...server, host: 'mail.example.test' }, '203.0.113.5', 1000)).toMatchObject({
      host: '203.0.113.5',
      requireTLS: true,
      secure: false,
      tls: { servername: 'mail.example.test' },
    });
    expect(transportOptions(server, '127.0.0.1', 1000)).toMatchObject({ requireTLS: false });
    expect(transportOptions(server, '::1', 1000)).toMatchObject({ requireTLS: false });
    expect(transportOptions({ ...server, secure: true, port: 465 }, '203.0.113.5', 1000)).toMatchObject({ secure: true, requireTLS: false });
  });
});
