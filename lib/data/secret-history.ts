// One secret's own audit trail for its detail page: newest first, keyset-paged by the
// event id (index audit_events(target_type, target_id, id)). The stored JSON is mapped
// field by field into display strings; anything unexpected in it is dropped, not shown.
import 'server-only';
import { z } from 'zod';
import type { Prisma } from '@/generated/prisma/client';
import type { AuditOutcome, Role } from '@/generated/prisma/enums';
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
  outcome: AuditOutcome;
  changes: HistoryChange[];
  /** A short human note: the reason given for a decommission, or why access was denied. */
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

export async function listSecretHistory(
  caller: Caller,
  secretId: string,
  options: THistoryOptions = {},
): Promise<SecretHistoryPage> {
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
  if (isRecord(value)) return Object.entries(value).map(([k, v]) => `${k}: ${display(v) ?? '—'}`).join(', ') || null;
  return null;
}

function changesOf(json: Prisma.JsonValue): HistoryChange[] {
  if (!isRecord(json)) return [];
  const changes: HistoryChange[] = [];
  for (const [field, change] of Object.entries(json)) {
    if (!isRecord(change) || !('before' in change || 'after' in change)) continue;
    changes.push({ field, before: display(change.before), after: display(change.after) });
  }
  return changes;
}

function noteOf(action: string, outcome: AuditOutcome, json: Prisma.JsonValue): string | null {
  if (!isRecord(json)) return null;
  if (outcome === 'denied') {
    if (json.reason === 'signed_out') return 'Not signed in';
    return typeof json.permission === 'string' ? `Missing permission ${json.permission}` : 'Missing permission';
  }
  if (outcome === 'failed' && json.error === 'refused') return 'Refused by the rules for values and versions; nothing was changed';
  if (outcome === 'failed' && typeof json.error === 'string') return `The provider failed (${json.error.replace('_', ' ')}); nothing was recorded`;
  if (action === 'secret.value_write') {
    const how = json.source === 'generated' ? 'Generated a value' : 'Entered a value';
    const note = typeof json.note === 'string' ? `: ${json.note}` : '';
    return `${how} (provider version ${String(json.providerVersionId)})${note}`;
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
