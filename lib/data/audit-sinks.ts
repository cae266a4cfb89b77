// Audit sinks (Settings → Audit streaming): the SIEMs the worker streams the audit trail
// to (lib/audit-stream/). Administrators only (admin.audit_sinks). A sink stores where to
// send and how to check the receiver (a CA certificate is public), never a credential:
// webhook posts are signed with a key derived from the sink id (lib/notifications/signing.ts).
// Every change is recorded in the same transaction; URLs are recorded masked.
import 'server-only';
import { createHash, X509Certificate } from 'node:crypto';
import type { AuditSinkKind } from '@/generated/prisma/enums';
import { changedFields } from '@/lib/audit/changes';
import { recordAudit } from '@/lib/audit/record';
import { testEvent } from '@/lib/audit-stream/events';
import { sinkLag } from '@/lib/audit-stream/lag';
import { sendBatch } from '@/lib/audit-stream/send';
import { describeSendError } from '@/lib/audit-stream/send-errors';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { appClock } from '@/lib/clock';
import { db, type Tx } from '@/lib/db';
import { assertNotStale } from '@/lib/db/stale-edit';
import { refusingTakenName } from '@/lib/db/unique-name';
import { env } from '@/lib/env';
import { InputError, NotFoundError } from '@/lib/errors';
import { egressRefusalForUrl } from '@/lib/net/egress';
import { auditSinkSigningKey } from '@/lib/notifications/signing';
import { ZAuditSinkInput, type TAuditSinkInput } from '@/lib/validation/audit-sink';
import { parseInput } from '@/lib/validation/parse';
import { uuidOrNil } from '@/lib/validation/ids';
import { insertAudited } from './audited-insert';
import { updateAudited } from './audited-update';
import { lockedRow } from './locked-row';
import { maskUrl } from './notification-channels';

export type AuditSinkListItem = {
  id: string;
  name: string;
  kind: AuditSinkKind;
  /** host:port for syslog; scheme, host and first path segment for URLs. */
  endpoint: string;
  allowPlaintext: boolean;
  /** SHA-256 fingerprint (first 16 hex digits) of the private CA, if one is set. */
  caFingerprint: string | null;
  serverName: string | null;
  enabled: boolean;
  startSeq: string;
  ackedSeq: string;
  /** Events after the acknowledged one, and the age in seconds of the oldest of them. */
  lagEvents: number;
  lagSeconds: number;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  /** Webhook sinks: the derived key receivers verify signatures with (admins only). */
  signingKey: string | null;
  createdAt: string;
  updatedAt: string;
};

const select = {
  id: true,
  name: true,
  kind: true,
  endpoint: true,
  allowPlaintext: true,
  caPem: true,
  serverName: true,
  enabled: true,
  startSeq: true,
  ackedSeq: true,
  lastAttemptAt: true,
  lastSuccessAt: true,
  lastError: true,
  consecutiveFailures: true,
  createdAt: true,
  updatedAt: true,
} as const;

type Columns = {
  name: string;
  kind: AuditSinkKind;
  endpoint: string;
  allowPlaintext: boolean;
  caPem: string | null;
  serverName: string | null;
  enabled: boolean;
};
type Row = Columns & { id: string; updatedAt: Date };

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const shownEndpoint = (kind: AuditSinkKind, endpoint: string) => (kind === 'syslog' ? endpoint : maskUrl(endpoint));

const AUDITED_FIELDS = ['name', 'kind', 'endpoint', 'allowPlaintext', 'caPem', 'serverName', 'enabled'] as const;
/** For audit changes: URLs masked plus a short hash (a changed path still shows as a change); the CA as its fingerprint. */
const audited = (c: Columns) => ({
  ...c,
  endpoint: c.kind === 'syslog' ? c.endpoint : `${maskUrl(c.endpoint)} #${shortHash(c.endpoint).slice(0, 8)}`,
  caPem: c.caPem ? `sha256:${shortHash(c.caPem)}` : null,
});

function columnsOf(input: TAuditSinkInput): Columns {
  return {
    name: input.name,
    kind: input.kind,
    endpoint: input.endpoint,
    allowPlaintext: input.allowPlaintext,
    caPem: input.caPem ?? null,
    serverName: input.serverName ?? null,
    enabled: input.enabled,
  };
}

/** Field errors before anything is saved: a CA that is not a certificate, a host the egress policy refuses. */
async function assertSendable(columns: Columns): Promise<void> {
  if (columns.caPem) {
    try {
      new X509Certificate(columns.caPem);
    } catch {
      throw new InputError('The CA certificate could not be read.', { caPem: ['The CA certificate could not be read: paste one PEM certificate'] });
    }
  }
  // A syslog host:port read as a URL, so the same check judges its host.
  const refusal = await egressRefusalForUrl(columns.kind === 'syslog' ? `syslog://${columns.endpoint}` : columns.endpoint);
  if (refusal) throw new InputError(refusal, { endpoint: [refusal] });
}

const nameTaken = () => new InputError('A sink with this name already exists.', { name: ['A sink with this name already exists'] });

function lockSink(tx: Tx, id: string): Promise<Row> {
  return lockedRow(tx, 'audit_sinks', id, (key) => tx.auditSink.findUnique({ where: { id: key }, select }), 'This sink does not exist.');
}

// ---------------------------------------------------------------------------
// Reading

export async function listSinks(caller: Caller): Promise<AuditSinkListItem[]> {
  await authorize(caller, 'admin.audit_sinks', { action: 'audit_sink.list', targetType: 'audit_sink' });
  const now = appClock().now();
  const [rows, lags] = await Promise.all([db.auditSink.findMany({ select, orderBy: [{ name: 'asc' }, { id: 'asc' }] }), sinkLag(now)]);
  const lagOf = new Map(lags.map((l) => [l.id, l]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    endpoint: shownEndpoint(r.kind, r.endpoint),
    allowPlaintext: r.allowPlaintext,
    caFingerprint: r.caPem ? shortHash(r.caPem) : null,
    serverName: r.serverName,
    enabled: r.enabled,
    startSeq: r.startSeq.toString(),
    ackedSeq: r.ackedSeq.toString(),
    lagEvents: lagOf.get(r.id)?.lagEvents ?? 0,
    lagSeconds: lagOf.get(r.id)?.lagSeconds ?? 0,
    lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
    lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null,
    lastError: r.lastError,
    consecutiveFailures: r.consecutiveFailures,
    signingKey: r.kind === 'webhook' ? auditSinkSigningKey(r.id) : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

/** A sink as its edit form shows it: the full endpoint and CA (administrators configured them; neither is a credential). */
export type AuditSinkDetail = Columns & { id: string; updatedAt: string };

export async function getSink(caller: Caller, id: string): Promise<AuditSinkDetail> {
  await authorize(caller, 'admin.audit_sinks', { action: 'audit_sink.read', targetType: 'audit_sink', targetId: id });
  const row = await db.auditSink.findUnique({ where: { id: uuidOrNil(id) }, select });
  if (!row) throw new NotFoundError('This sink does not exist.');
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    endpoint: row.endpoint,
    allowPlaintext: row.allowPlaintext,
    caPem: row.caPem,
    serverName: row.serverName,
    enabled: row.enabled,
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------
// Writing

/**
 * Creates a sink starting "now" (after the chain head) or "from the beginning" (after the
 * last purge checkpoint: the oldest event still stored). The head is read in the same
 * transaction, so no event committed before the sink is both skipped and counted.
 */
export async function createSink(caller: Caller, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'admin.audit_sinks', { action: 'audit_sink.create', targetType: 'audit_sink' });
  const input = parseInput(ZAuditSinkInput, raw);
  const columns = columnsOf(input);
  await assertSendable(columns);
  const audit = {
    action: 'audit_sink.create',
    targetType: 'audit_sink',
    changes: () => changedFields(null, { ...audited(columns), startFrom: input.startFrom }, [...AUDITED_FIELDS, 'startFrom']),
  };
  return refusingTakenName(nameTaken, () =>
    insertAudited(caller, audit, async (tx: Tx) => {
      const [start] =
        input.startFrom === 'now'
          ? await tx.$queryRaw<{ seq: bigint }[]>`SELECT seq FROM audit_chain_head WHERE id = 1`
          : await tx.$queryRaw<{ seq: bigint }[]>`SELECT coalesce(max(seq), 0) AS seq FROM audit_checkpoints`;
      const startSeq = start?.seq ?? 0n;
      return tx.auditSink.create({ data: { ...columns, startSeq, ackedSeq: startSeq }, select: { id: true } });
    }),
  );
}

/** Changes where and how a sink sends; its cursor stays (nothing is skipped or sent twice by an edit). */
export async function updateSink(caller: Caller, id: string, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'admin.audit_sinks', { action: 'audit_sink.update', targetType: 'audit_sink', targetId: id });
  const input = parseInput(ZAuditSinkInput, raw);
  const columns = columnsOf(input);
  await assertSendable(columns);
  return refusingTakenName(nameTaken, () =>
    db.$transaction(async (tx) => {
      const before = await lockSink(tx, id);
      assertNotStale(input.expectedUpdatedAt, before.updatedAt, 'sink');
      const changes = changedFields(audited(before), audited(columns), AUDITED_FIELDS);
      const audit = { action: 'audit_sink.update', targetType: 'audit_sink', targetId: before.id, changes };
      await updateAudited(tx, caller, audit, () => tx.auditSink.update({ where: { id: before.id }, data: columns }));
      return { id: before.id };
    }),
  );
}

/** Pause (the worker stops sending; the cursor stays) or resume (sending picks up from the cursor). */
export async function setSinkEnabled(caller: Caller, id: string, enabled: boolean): Promise<{ id: string }> {
  const action = enabled ? 'audit_sink.resume' : 'audit_sink.pause';
  await authorize(caller, 'admin.audit_sinks', { action, targetType: 'audit_sink', targetId: id });
  return db.$transaction(async (tx) => {
    const before = await lockSink(tx, id);
    if (before.enabled === enabled) return { id: before.id };
    // A resumed sink is tried at once, not after the paused sink's last backoff.
    await tx.auditSink.update({ where: { id: before.id }, data: { enabled, ...(enabled ? { consecutiveFailures: 0 } : {}) } });
    await recordAudit(tx, caller, { action, targetType: 'audit_sink', targetId: before.id, changes: { enabled: { before: before.enabled, after: enabled } } });
    return { id: before.id };
  });
}

export async function deleteSink(caller: Caller, id: string): Promise<{ id: string }> {
  await authorize(caller, 'admin.audit_sinks', { action: 'audit_sink.delete', targetType: 'audit_sink', targetId: id });
  return db.$transaction(async (tx) => {
    const before = await lockSink(tx, id);
    await tx.auditSink.delete({ where: { id: before.id } });
    await recordAudit(tx, caller, {
      action: 'audit_sink.delete',
      targetType: 'audit_sink',
      targetId: before.id,
      changes: changedFields(audited(before), {}, AUDITED_FIELDS),
    });
    return { id: before.id };
  });
}

// ---------------------------------------------------------------------------
// Testing

export type SinkTestOutcome = { ok: boolean; error: string | null };

/**
 * Sends one made-up event (seq 0, action audit_sink.test, test: true) to the sink now,
 * paused or not, outside its stream: the cursor and the sink's recorded state stay as
 * they are. The outcome is audited (our own words for a failure).
 */
export async function sendSinkTest(caller: Caller, id: string): Promise<SinkTestOutcome> {
  await authorize(caller, 'admin.audit_sinks', { action: 'audit_sink.test', targetType: 'audit_sink', targetId: id });
  const sink = await db.auditSink.findUnique({
    where: { id: uuidOrNil(id) },
    select: { id: true, kind: true, endpoint: true, allowPlaintext: true, caPem: true, serverName: true },
  });
  if (!sink) throw new NotFoundError('This sink does not exist.');
  const timeoutMs = env().AUDIT_STREAM_TIMEOUT_MS;
  let error: string | null = null;
  try {
    await sendBatch(sink, [testEvent(appClock().now())], timeoutMs);
  } catch (e) {
    error = describeSendError(e, timeoutMs);
  }
  await recordAudit(db, caller, {
    action: 'audit_sink.test',
    outcome: error ? 'failed' : 'success',
    targetType: 'audit_sink',
    targetId: sink.id,
    ...(error ? { detail: { error } } : {}),
  });
  return { ok: error === null, error };
}
