// Audit streaming against receivers this test starts on loopback: a TLS syslog server
// (octet counting, RFC 5424), an OTLP/HTTP receiver and a webhook receiver. Events arrive
// complete and in seq order; an outage of 2,000 events is delivered completely and in
// order once the receiver is back; an untrusted certificate and an address the egress
// policy refuses are refused and shown as the sink's error; the purge leaves what an
// enabled sink has not acknowledged. The stream runs in this process here; the worker
// processes (SIGKILL, two workers) are in audit-stream-workers.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readChainBatch } from '@/lib/audit/chain';
import { purgeAuditEvents, PurgeRefused } from '@/lib/audit/purge';
import { recordAudit, recordAuditMany } from '@/lib/audit/record';
import { streamEvent } from '@/lib/audit-stream/events';
import { startAuditStream, type RunningAuditStream } from '@/lib/audit-stream/runner';
import type { Caller } from '@/lib/auth/caller';
import { createSink, deleteSink, getSink, listSinks, sendSinkTest, setSinkEnabled, updateSink } from '@/lib/data/audit-sinks';
import { updateAuditRetention } from '@/lib/data/audit-retention';
import { db } from '@/lib/db';
import { InputError } from '@/lib/errors';
import { auditSinkSigningKey, SIGNATURE_HEADER, verifySignature } from '@/lib/notifications/signing';
import { makeCertificate } from '../support/certificates';
import { rejectionOf } from '../support/errors';
import { eventually } from '../support/eventually';
import { callerAs } from '../support/seed';
import { startHttpReceiver, startSyslogReceiver, type HttpReceiver, type SyslogReceiver } from '../support/siem-receivers';
import { useTestDatabase } from '../support/test-database';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

vi.hoisted(() => {
  process.env.AUDIT_STREAM_POLL_MS = '100';
  process.env.AUDIT_STREAM_BATCH = '200';
  process.env.AUDIT_STREAM_MAX_BACKOFF_MS = '300';
  process.env.AUDIT_STREAM_TIMEOUT_MS = '5000';
});

useTestDatabase();

const certificate = makeCertificate('syslog.test', 2);
let admin: Caller;
let syslog: SyslogReceiver;
let otlp: HttpReceiver;
let webhook: HttpReceiver;
let stream: RunningAuditStream;
const sinks: Record<'syslog' | 'otlp' | 'webhook', { id: string; startSeq: bigint }> = {} as never;

const head = async () => (await db.$queryRaw<{ seq: bigint }[]>`SELECT seq FROM audit_chain_head WHERE id = 1`)[0].seq;
const expectedSeqs = (from: bigint, to: bigint) => Array.from({ length: Number(to - from) }, (_, k) => String(from + 1n + BigInt(k)));

const syslogSeqs = () => syslog.messages.map((m) => m.params.seq);
type OtlpBody = {
  resourceLogs: { scopeLogs: { logRecords: { body: { stringValue: string }; attributes: { key: string; value: { stringValue: string } }[] }[] }[] }[];
};
const otlpRecords = () => otlp.posts.flatMap((p) => (JSON.parse(p.body) as OtlpBody).resourceLogs[0].scopeLogs[0].logRecords);
const otlpSeqs = () => otlpRecords().map((r) => r.attributes.find((a) => a.key === 'audit.seq')!.value.stringValue);
const webhookRecords = () => webhook.posts.flatMap((p) => (JSON.parse(p.body) as { events: Record<string, unknown>[] }).events);
const webhookSeqs = () => webhookRecords().map((r) => r.seq as string);

/** Waits until every sink received everything through the head. */
async function allDelivered(timeoutMs = 60_000) {
  const through = await head();
  for (const [kind, seqs] of [
    ['syslog', syslogSeqs],
    ['otlp', otlpSeqs],
    ['webhook', webhookSeqs],
  ] as const) {
    await eventually(
      async () => seqs().at(-1),
      (last) => last === String(through),
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${kind}: ${error.message}`);
    });
  }
  return through;
}

beforeAll(async () => {
  admin = await callerAs('admin');
  [syslog, otlp, webhook] = await Promise.all([startSyslogReceiver(certificate), startHttpReceiver(), startHttpReceiver()]);
  const common = { enabled: 'on', startFrom: 'now' };
  for (const [kind, input] of [
    ['syslog', { kind: 'syslog', endpoint: `127.0.0.1:${syslog.port}`, caPem: certificate.certificatePem, serverName: 'syslog.test' }],
    ['otlp', { kind: 'otlp', endpoint: otlp.url(), allowPlaintext: 'on' }],
    ['webhook', { kind: 'webhook', endpoint: webhook.url('/audit'), allowPlaintext: 'on' }],
  ] as const) {
    const { id } = await createSink(admin, { ...common, ...input, name: `${kind} sink` });
    const row = await db.auditSink.findUniqueOrThrow({ where: { id } });
    sinks[kind] = { id, startSeq: row.startSeq };
  }
  stream = startAuditStream({ workerId: 'audit-stream-test' });
});

afterAll(async () => {
  await stream?.stop();
  await Promise.all([syslog?.stop(), otlp?.stop(), webhook?.stop()]);
});

describe('audit streaming', () => {
  it('delivers every event complete and in seq order to syslog (TLS), OTLP and webhook sinks', async () => {
    const tricky = 'a"quoted]\\value ü';
    await recordAudit(db, admin, { action: 'secret.update', targetType: 'secret', targetId: tricky, changes: { name: { before: 'x', after: 'y' } } });
    await recordAuditMany(
      db,
      admin,
      Array.from({ length: 30 }, (_, i) => ({ action: 'secret.read', outcome: i % 3 === 0 ? ('denied' as const) : ('success' as const), detail: { i } })),
    );
    const through = await allDelivered();

    const rows = await readChainBatch(1n, through, 10_000);
    const byseq = new Map(rows.map((r) => [String(r.seq), streamEvent(r).record]));
    // Each sink: exactly the events after its start, in order, each the stored event.
    expect(syslogSeqs()).toEqual(expectedSeqs(sinks.syslog.startSeq, through));
    expect(otlpSeqs()).toEqual(expectedSeqs(sinks.otlp.startSeq, through));
    expect(webhookSeqs()).toEqual(expectedSeqs(sinks.webhook.startSeq, through));
    for (const m of syslog.messages) expect(JSON.parse(m.msg)).toEqual(byseq.get(m.params.seq));
    for (const r of otlpRecords())
      expect(JSON.parse(r.body.stringValue)).toEqual(byseq.get(r.attributes.find((a) => a.key === 'audit.seq')!.value.stringValue));
    for (const r of webhookRecords()) expect(r).toEqual(byseq.get(r.seq as string));

    // RFC 5424: PRI from the outcome (facility 13), version 1, app-name, MSGID the action, SD escaped.
    const denied = syslog.messages.find((m) => m.params.outcome === 'denied')!;
    expect(denied).toMatchObject({ pri: 13 * 8 + 4, version: 1, appName: 'secret-inventory', msgId: 'secret.read', sdId: 'audit@32473' });
    expect(syslog.messages.find((m) => m.params.outcome === 'success')!.pri).toBe(13 * 8 + 6);
    const trickyMessage = syslog.messages.find((m) => m.params.targetId === tricky)!;
    expect(trickyMessage.params).toMatchObject({ action: 'secret.update', targetType: 'secret', actorEmail: admin.user!.email });
    expect(syslog.raw.find((t) => t.includes('quoted'))).toContain('targetId="a\\"quoted\\]\\\\value ü"');

    // OTLP: POST /v1/logs, severity by outcome, time in nanoseconds.
    expect(otlp.posts.every((p) => p.path === '/v1/logs' && p.headers['content-type'] === 'application/json')).toBe(true);
    const first = (JSON.parse(otlp.posts[0].body) as OtlpBody).resourceLogs[0];
    expect(JSON.stringify(first)).toContain('"service.name"');
    const deniedRecord = otlpRecords().find((r) => r.attributes.some((a) => a.key === 'audit.outcome' && a.value.stringValue === 'denied')) as unknown as {
      severityNumber: number;
      severityText: string;
      timeUnixNano: string;
    };
    expect(deniedRecord).toMatchObject({ severityNumber: 13, severityText: 'WARN', timeUnixNano: expect.stringMatching(/^\d{19}$/) });

    // Webhook: each post signed with the sink's derived key.
    for (const post of webhook.posts)
      expect(verifySignature(post.headers[SIGNATURE_HEADER.toLowerCase()] as string, post.body, auditSinkSigningKey(sinks.webhook.id))).toBe(true);

    const listed = await listSinks(admin);
    expect(listed.map((s) => [s.name, s.ackedSeq, s.lagEvents, s.lastError])).toEqual([
      ['otlp sink', String(through), 0, null],
      ['syslog sink', String(through), 0, null],
      ['webhook sink', String(through), 0, null],
    ]);
  }, 90_000);

  it('an outage of 2,000 events is delivered completely and in order once the receiver is back', async () => {
    const before = syslog.messages.length;
    await syslog.stop();
    for (let batch = 0; batch < 10; batch++) {
      await recordAuditMany(
        db,
        admin,
        Array.from({ length: 200 }, (_, i) => ({ action: 'secret.read', detail: { batch, i } })),
      );
    }
    const through = await head();
    // The sink shows the failure and how far behind it is; the cursor stays.
    const down = await eventually(
      async () => (await listSinks(admin)).find((s) => s.id === sinks.syslog.id)!,
      (s) => s.consecutiveFailures >= 2,
    );
    expect(down.lastError).toBe('The connection was refused.');
    expect(down.lagEvents).toBeGreaterThanOrEqual(2000);
    expect(down.lagSeconds).toBeGreaterThan(0);

    await syslog.start();
    await allDelivered();
    // Nothing lost, nothing reordered, nothing twice (no batch was half-sent here).
    expect(syslogSeqs().length - before).toBeGreaterThanOrEqual(Number(through - BigInt(syslogSeqs()[before - 1])));
    expect(syslogSeqs()).toEqual(expectedSeqs(sinks.syslog.startSeq, await head()));
    const up = (await listSinks(admin)).find((s) => s.id === sinks.syslog.id)!;
    expect(up).toMatchObject({ lastError: null, consecutiveFailures: 0 });
  }, 120_000);

  it('respects Retry-After on 429 and delivers afterwards', async () => {
    otlp.respondWith({ status: 429, headers: { 'retry-after': '1' } });
    await recordAudit(db, admin, { action: 'secret.read' });
    const failed = await eventually(
      async () => (await db.auditSink.findUniqueOrThrow({ where: { id: sinks.otlp.id } })).lastError,
      (e) => e !== null,
    );
    expect(failed).toBe('HTTP 429 (retry after 1 s)');
    await allDelivered();
    expect(otlpSeqs()).toEqual(expectedSeqs(sinks.otlp.startSeq, await head()));
  }, 60_000);

  it('refuses an untrusted certificate or a wrong name, and shows it as the sink error', async () => {
    const untrusted = await createSink(admin, {
      name: 'untrusted',
      kind: 'syslog',
      endpoint: `127.0.0.1:${syslog.port}`,
      serverName: 'syslog.test',
      enabled: 'on',
    });
    const wrongName = await createSink(admin, {
      name: 'wrong name',
      kind: 'syslog',
      endpoint: `127.0.0.1:${syslog.port}`,
      caPem: certificate.certificatePem,
      serverName: 'other.test',
      enabled: 'on',
    });
    await recordAudit(db, admin, { action: 'secret.read' });
    const listed = await eventually(
      () => listSinks(admin),
      (all) => all.filter((s) => s.name === 'untrusted' || s.name === 'wrong name').every((s) => s.lastError !== null),
    );
    expect(listed.find((s) => s.id === untrusted.id)!.lastError).toBe("The receiver's TLS certificate was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT).");
    expect(listed.find((s) => s.id === wrongName.id)!.lastError).toBe("The receiver's TLS certificate was not accepted (ERR_TLS_CERT_ALTNAME_INVALID).");
    expect(await sendSinkTest(admin, untrusted.id)).toEqual({ ok: false, error: expect.stringContaining('DEPTH_ZERO_SELF_SIGNED_CERT') });
    // Nothing was taken as delivered.
    expect((await db.auditSink.findUniqueOrThrow({ where: { id: untrusted.id } })).ackedSeq).toBe(
      (await db.auditSink.findUniqueOrThrow({ where: { id: untrusted.id } })).startSeq,
    );
    await deleteSink(admin, untrusted.id);
    await deleteSink(admin, wrongName.id);
  }, 60_000);

  it('the egress policy refuses a private host when saving, and a link-local one when sending', async () => {
    const refused = await rejectionOf(createSink(admin, { name: 'private', kind: 'syslog', endpoint: '10.1.2.3:6514', enabled: 'on' }), InputError);
    expect(refused.fieldErrors.endpoint?.[0]).toMatch(/private network address.*EGRESS_ALLOW/);
    const plain = await rejectionOf(createSink(admin, { name: 'plain', kind: 'webhook', endpoint: 'http://siem.example.com/hook', enabled: 'on' }), InputError);
    expect(plain.fieldErrors.endpoint?.[0]).toMatch(/Allow unencrypted/);
    // Saved before the policy changed (written directly here): refused at connect time.
    const metadata = await db.auditSink.create({
      data: {
        name: 'metadata',
        kind: 'otlp',
        endpoint: 'http://169.254.169.254',
        allowPlaintext: true,
        enabled: true,
        startSeq: await head(),
        ackedSeq: await head(),
      },
    });
    await recordAudit(db, admin, { action: 'secret.read' });
    const failed = await eventually(
      async () => (await db.auditSink.findUniqueOrThrow({ where: { id: metadata.id } })).lastError,
      (e) => e !== null,
    );
    expect(failed).toMatch(/link-local address.*EGRESS_ALLOW/);
    await db.auditSink.delete({ where: { id: metadata.id } });
  }, 60_000);

  it('records every change; only administrators manage sinks', async () => {
    const { id } = await createSink(admin, { name: 'managed', kind: 'webhook', endpoint: webhook.url('/managed'), allowPlaintext: 'on', enabled: 'on' });
    await setSinkEnabled(admin, id, false);
    await setSinkEnabled(admin, id, true);
    // The edit form starts from the full endpoint; a changed endpoint passes the egress policy like a new one.
    const saved = await getSink(admin, id);
    expect(saved).toMatchObject({ name: 'managed', endpoint: webhook.url('/managed'), allowPlaintext: true, caPem: null });
    const privateHost = { name: 'managed 2', kind: 'webhook', endpoint: 'https://10.1.2.3/hook', enabled: 'on', expectedUpdatedAt: saved.updatedAt };
    const refused = await rejectionOf(updateSink(admin, id, privateHost), InputError);
    expect(refused.fieldErrors.endpoint?.[0]).toMatch(/private network address.*EGRESS_ALLOW/);
    const edit = { name: 'managed 2', kind: 'webhook', endpoint: webhook.url('/managed/2'), allowPlaintext: 'on', enabled: 'on' };
    await updateSink(admin, id, { ...edit, expectedUpdatedAt: saved.updatedAt });
    await expect(updateSink(admin, id, { ...edit, expectedUpdatedAt: saved.updatedAt })).rejects.toThrow(/Someone else saved this sink/);
    expect(await sendSinkTest(admin, id)).toEqual({ ok: true, error: null });
    await deleteSink(admin, id);
    const actions = (await db.auditEvent.findMany({ where: { targetType: 'audit_sink', targetId: id }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['audit_sink.create', 'audit_sink.pause', 'audit_sink.resume', 'audit_sink.update', 'audit_sink.test', 'audit_sink.delete']);
    const update = await db.auditEvent.findFirstOrThrow({ where: { action: 'audit_sink.update', targetId: id } });
    expect(JSON.stringify(update.changes)).toMatch(/127\.0\.0\.1:\d+\/managed\/… #/);

    const engineer = await callerAs('engineer');
    await expect(listSinks(engineer)).rejects.toThrow();
    await expect(getSink(engineer, id)).rejects.toThrow();
    await expect(createSink(engineer, { name: 'nope', kind: 'syslog', endpoint: '127.0.0.1:1', enabled: 'on' })).rejects.toThrow();
    expect(
      await db.auditEvent.count({
        where: { action: { in: ['audit_sink.list', 'audit_sink.read', 'audit_sink.create'] }, outcome: 'denied', actorId: engineer.user!.id },
      }),
    ).toBe(3);
  });

  it('audit:purge refuses to remove events an enabled sink has not acknowledged; a paused sink does not hold it back', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stream-purge-'));
    try {
      await otlp.stop(); // the OTLP sink falls behind
      await recordAudit(db, admin, { action: 'secret.read' });
      await new Promise((r) => setTimeout(r, 50));
      const [{ t: cut }] = await db.$queryRaw<{ t: Date }[]>`SELECT clock_timestamp()::timestamptz(3) AS t`;
      await updateAuditRetention(admin, { keep: 'days', retentionDays: '90' });
      const later = new Date(cut.getTime() + 91 * 86_400_000);
      await eventually(
        async () => (await db.auditSink.findUniqueOrThrow({ where: { id: sinks.otlp.id } })).lastError,
        (e) => e !== null,
      );
      const refused = await rejectionOf(purgeAuditEvents({ before: cut, exportFile: path.join(dir, 'a.jsonl'), now: later }), PurgeRefused);
      expect(refused.message).toMatch(/"otlp sink" \(acknowledged through seq \d+\).*pause a sink/);

      await setSinkEnabled(admin, sinks.otlp.id, false);
      // The syslog and webhook sinks are up: once they have everything, the purge goes ahead.
      await eventually(async () => (await db.auditSink.findMany({ where: { enabled: true } })).every((s) => s.lastError === null), Boolean);
      await eventually(
        async () => ({ syslog: syslogSeqs().at(-1), webhook: webhookSeqs().at(-1), head: String(await head()) }),
        (v) => v.syslog === v.head && v.webhook === v.head,
      );
      const purged = await purgeAuditEvents({ before: cut, exportFile: path.join(dir, 'b.jsonl'), now: later });
      expect(purged.eventsPurged).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
