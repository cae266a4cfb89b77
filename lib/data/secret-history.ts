// One secret's own audit trail for its detail page: newest first, keyset-paged by the
// event id (index audit_events(target_type, target_id, id)). The stored JSON is mapped
// field by field into display strings; anything unexpected in it is dropped, not shown.
// Each action gets its human label (lib/audit/action-labels.ts), rotation steps a line
// saying what happened.
import 'server-only';
import { z } from 'zod';
import type { Prisma } from '@/generated/prisma/client';
import type { AuditOutcome, Role } from '@/generated/prisma/enums';
import { historyActionLabel } from '@/lib/audit/action-labels';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { parseInput } from '@/lib/validation/parse';

export type HistoryChange = { field: string; before: string | null; after: string | null };

export type SecretHistoryEvent = {
  id: string;
  occurredAt: string;
  actor: { email: string | null; role: Role | null };
  action: string;
  /** The action in words ("Edited", "Rotation: new value promoted"). */
  label: string;
  outcome: AuditOutcome;
  changes: HistoryChange[];
  /** A short human note: the reason given for a decommission, why access was denied,
   *  what a rotation step did. */
  note: string | null;
};

export type SecretHistoryPage = { items: SecretHistoryEvent[]; nextCursor: string | null };

// The cursor is the last event's id; audit ids are sequential and carry nothing secret.
// A malformed one means "first page", like the list cursors in cursor.ts.
const ZHistoryOptions = z.object({
  after: z
    .string()
    .regex(/^[1-9]\d{0,18}$/)
    .optional()
    .catch(undefined),
  limit: z.number().int().min(1).max(100).default(20),
});

export type THistoryOptions = z.input<typeof ZHistoryOptions>;

export async function listSecretHistory(caller: Caller, secretId: string, options: THistoryOptions = {}): Promise<SecretHistoryPage> {
  await authorize(caller, 'secrets.read', { action: 'secret.history', targetType: 'secret', targetId: secretId });
  const { after, limit } = parseInput(ZHistoryOptions, options);
  const rows = await db.auditEvent.findMany({
    where: { targetType: 'secret', targetId: secretId, ...(after ? { id: { lt: BigInt(after) } } : {}) },
    orderBy: { id: 'desc' },
    take: limit + 1,
    select: {
      id: true,
      occurredAt: true,
      actorEmail: true,
      actorRole: true,
      action: true,
      outcome: true,
      changes: true,
      detail: true,
    },
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      occurredAt: r.occurredAt.toISOString(),
      actor: { email: r.actorEmail, role: r.actorRole },
      action: r.action,
      label: historyActionLabel(r.action, r.detail),
      outcome: r.outcome,
      changes: changesOf(r.changes),
      note: noteOf(r.action, r.outcome, r.detail),
    })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored before/after value as display text; null means "not set". */
function display(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.length ? value.map((v) => display(v) ?? '').join(', ') : null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Strategy settings: "role: app, adminSecretId: …"
  if (isRecord(value))
    return (
      Object.entries(value)
        .map(([k, v]) => `${k}: ${display(v) ?? '—'}`)
        .join(', ') || null
    );
  return null;
}

// Instants as the rest of the page shows them (components/format.ts): the day, or the
// time as well where the day alone would read as no change.
const isInstant = (v: string | null): v is string => v !== null && /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v));
const dayOf = (iso: string) => new Date(iso).toISOString().slice(0, 10);
const timeOf = (iso: string) => `${new Date(iso).toISOString().replace('T', ' ').slice(0, 19)} UTC`;

/** The audited fields that hold an instant. */
const INSTANT_FIELDS = new Set(['lastRotatedAt']);

/** Stored instants as days, with the time when both fall on one day. */
function displayDates(before: string | null, after: string | null): [string | null, string | null] {
  const sameDay = isInstant(before) && isInstant(after) && dayOf(before) === dayOf(after);
  const show = (v: string | null) => (isInstant(v) ? (sameDay ? timeOf(v) : dayOf(v)) : v);
  return [show(before), show(after)];
}

function changesOf(json: Prisma.JsonValue): HistoryChange[] {
  if (!isRecord(json)) return [];
  const changes: HistoryChange[] = [];
  for (const [field, change] of Object.entries(json)) {
    if (!isRecord(change) || !('before' in change || 'after' in change)) continue;
    const shown: [string | null, string | null] = [display(change.before), display(change.after)];
    const [before, after] = INSTANT_FIELDS.has(field) ? displayDates(...shown) : shown;
    // Nothing a reader could see changed (a value stored in another form): not shown.
    if (before === after) continue;
    changes.push({ field, before, after });
  }
  return changes;
}

const TRIGGER_NOTES: Record<string, string> = {
  manual: 'started by hand',
  scheduled: 'started by the schedule',
  emergency: 'emergency rotation after a compromise',
};

/** What a rotation step did, from the run's audit detail (lib/rotation/runs.ts auditOf). */
function rotationNote(action: string, d: Record<string, unknown>): string | null {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const version = (v: unknown, prefix: string) => (str(v) ? `${prefix} version ${str(v)}` : null);
  const join = (...parts: (string | null)[]) => parts.filter(Boolean).join('; ') || null;
  switch (action) {
    case 'rotation.start': {
      const trigger = TRIGGER_NOTES[String(d.trigger)] ?? null;
      return join(trigger && trigger[0].toUpperCase() + trigger.slice(1), str(d.note));
    }
    case 'rotation.value_requested':
      return 'Waiting for an engineer to enter the new value';
    case 'rotation.value_written':
      return join('The new value is written but not current yet', version(d.versionId, 'new'));
    case 'rotation.verified':
      if (str(d.confirmedBy)) return `An engineer (${str(d.confirmedBy)}) confirmed the new value works`;
      if (d.by === 'login') return 'Logging in with the new value worked';
      if (d.by === 'rotation Lambda') return 'The rotation Lambda finished and tested the new value';
      return 'The provider holds the new value';
    case 'rotation.promoted':
      return str(d.graceEndsAt) && isInstant(str(d.graceEndsAt))
        ? `The new value is current (grace period until ${timeOf(str(d.graceEndsAt)!)})`
        : 'The new value is current';
    case 'rotation.grace_ended':
      return d.to === 'awaiting_revocation'
        ? 'Grace period over: the old credential is to be revoked at the vendor'
        : join('Grace period over', version(d.retiredVersionId, 'previous') && `${version(d.retiredVersionId, 'previous')} retired`);
    case 'rotation.revocation_confirmed':
      return str(d.revokedBy) ? `${str(d.revokedBy)} confirmed the old credential is revoked` : 'The old credential is revoked';
    case 'rotation.rolled_back':
      return join(
        str(d.restoredVersionId) ? `Version ${str(d.restoredVersionId)} is current again` : 'The previous value is current again',
        version(d.retiredVersionId, 'new') && `${version(d.retiredVersionId, 'new')} retired`,
      );
    case 'rotation.cancelled':
      return join('Cancelled before the new value became current', version(d.withdrawnVersionId, 'new') && `${version(d.withdrawnVersionId, 'new')} withdrawn`);
    case 'rotation.failed':
      return str(d.error) ? `Stopped: ${str(d.error)!.replaceAll('_', ' ')}` : 'Stopped';
    default:
      return null;
  }
}

/** Attempts the worker settled after the server handling them died (lib/jobs/settle-pending-writes.ts). */
function settledNote(action: string, json: Prisma.JsonObject): string {
  const by = typeof json.submittedBy === 'string' ? ` submitted by ${json.submittedBy}` : '';
  if (action === 'secret.value_write_recovered')
    return `The server stopped before recording this write${by}; the worker found provider version ${String(json.providerVersionId)} and recorded it`;
  if (action === 'secret.version_change_recovered')
    return `The server stopped before recording this change${by} to version ${String(json.versionId)}; the worker found it made at the provider`;
  if (json.error === 'connection_deleted')
    return `The server stopped before recording this attempt${by}; its provider connection is gone, so it could not be checked`;
  return `The server stopped before recording this attempt${by}; the provider shows it did not happen`;
}

/** A drift fix (lib/data/drift.ts): what it took from or wrote to the provider, or why it did nothing. */
function driftNote(action: string, outcome: AuditOutcome, d: Record<string, unknown>): string | null {
  if (outcome === 'failed') {
    if (d.error === 'stale') return 'The drift report was out of date when the fix was clicked; nothing was changed';
    if (d.error === 'no_longer_drifts') return 'The finding was gone when the fix was clicked; nothing was changed';
    return `The provider did not take the labels (${String(d.error).replace('_', ' ')}); nothing was recorded`;
  }
  const connection = typeof d.connection === 'string' ? d.connection : 'the provider';
  if (action === 'secret.drift_version_recorded') return `Version ${String(d.versionId)} at ${connection}, written outside this dashboard, recorded as such`;
  if (action === 'secret.drift_labels_written') return `Written to ${connection}`;
  return `Taken from the newest scan of ${connection}`;
}

function noteOf(action: string, outcome: AuditOutcome, json: Prisma.JsonValue): string | null {
  if (!isRecord(json)) return null;
  if (outcome === 'denied') {
    if (json.reason === 'signed_out') return 'Not signed in';
    return typeof json.permission === 'string' ? `Missing permission ${json.permission}` : 'Missing permission';
  }
  if (action.startsWith('rotation.')) return rotationNote(action, json);
  if (action.endsWith('_recovered') || action.endsWith('_abandoned')) return settledNote(action, json);
  if (action.startsWith('secret.drift_')) return driftNote(action, outcome, json);
  if (outcome === 'failed' && json.error === 'refused') return 'Refused by the rules for values and versions; nothing was changed';
  if (outcome === 'failed' && typeof json.error === 'string') return `The provider failed (${json.error.replace('_', ' ')}); nothing was recorded`;
  if (action === 'secret.value_write') {
    const how = json.source === 'generated' ? 'Generated a value' : 'Entered a value';
    const note = typeof json.note === 'string' ? `: ${json.note}` : '';
    return `${how} (provider version ${String(json.providerVersionId)})${note}`;
  }
  if (action === 'secret.leak_found') {
    const what = json.severity === 'current_value' ? 'its current value' : 'a previous value';
    const times = typeof json.findings === 'number' && json.findings > 1 ? ` (${json.findings} places)` : '';
    return `A leak check found ${what}${times}`;
  }
  if (action === 'secret.version_change') {
    // move_label: events recorded before version changes lost their label strings.
    const what =
      json.change === 'make_current'
        ? 'Made current again'
        : json.change === 'move_label'
          ? `Moved ${String(json.label)} to`
          : json.change === 'enable'
            ? 'Enabled'
            : 'Disabled';
    return `${what} version ${String(json.versionId)}`;
  }
  return typeof json.reason === 'string' ? json.reason : null;
}
