// The audit trail for auditors and admins: filtered, newest first, keyset-paged by id.
// Every filter maps onto an index of audit_events (there are millions of rows); events
// are returned as display DTOs with changes flattened to before/after strings, and
// targets named (lib/data/audit-targets.ts).
import 'server-only';
import { z } from 'zod';
import { Prisma } from '@/generated/prisma/client';
import type { AuditOutcome, Role } from '@/generated/prisma/enums';
import { AUDIT_ACTIONS } from '@/lib/audit/actions';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { queryRows } from '@/lib/db';
import { AUDIT_PAGE_SIZE, type TAuditListQuery } from '@/lib/validation/audit-list';
import { auditTargetLabels, targetKey, type AuditTargetLabel } from './audit-targets';
import { keysetPage } from '@/lib/db/cursor';
import { actorFilter, filterConditions } from './sql/audit-events';

export type AuditChange = { field: string; before: string | null; after: string | null };

export type AuditEventItem = {
  id: string;
  occurredAt: string;
  actor: { id: string | null; email: string | null; role: Role | null };
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** The target's name (and page), when it is a named record that still exists. */
  target: AuditTargetLabel | null;
  environment: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  changes: AuditChange[];
  detail: { key: string; value: string }[];
};

export type AuditEventPage = { items: AuditEventItem[]; nextCursor: string | null };

// ---------------------------------------------------------------------------
// Cursor: the last id shown, as a decimal string (ids are bigint and outgrow JS numbers).

const ZIdCursor = z.tuple([z.string().regex(/^\d{1,19}$/)]);

function encodeIdCursor(id: string): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url');
}

function decodeIdCursor(text: string | undefined): string | null {
  if (!text) return null;
  try {
    return ZIdCursor.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')))[0];
  } catch {
    return null; // a cursor that does not decode means "first page"
  }
}

// ---------------------------------------------------------------------------
// Filters (their SQL: lib/data/sql/audit-events.ts, shared with the export)

// Enough to cover every account a partial email names in practice; a wider search
// should be narrowed rather than fanned out further.
const MAX_ACTORS_FOR_PARTIAL_EMAIL = 200;

// ---------------------------------------------------------------------------
// Listing

type Row = {
  /** The event's id as a bigint, for ordering in SQL only (the pg driver reads it as text). */
  sort_id: string;
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_email: string | null;
  actor_role: Role | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  environment: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  changes: unknown;
  detail: unknown;
};

const COLUMNS = Prisma.sql`
  e.id AS sort_id, e.id::text AS id, e.occurred_at, e.actor_id, e.actor_email, e.actor_role, e.action,
  e.target_type, e.target_id, e.environment, e.outcome, e.ip, e.user_agent, e.request_id, e.changes, e.detail`;

export async function listAuditEvents(caller: Caller, query: TAuditListQuery): Promise<AuditEventPage> {
  await authorize(caller, 'audit.read', { action: 'audit.list', targetType: 'audit_event' });
  const actor = query.actor ? actorFilter(query.actor) : null;
  const where = filterConditions(query, actor);
  const after = decodeIdCursor(query.after);
  if (after) where.push(Prisma.sql`e.id < ${after}::bigint`);
  const conditions = where.length ? Prisma.join(where, ' AND ') : Prisma.sql`TRUE`;
  const limit = AUDIT_PAGE_SIZE + 1;

  const rows =
    actor && 'usersLike' in actor
      ? // Part of an email: the newest page of each matching account (one backward scan of
        // the (actor_id, id) index each), merged. A plain IN list would read and sort every
        // event of every matching account.
        await queryRows<Row>(Prisma.sql`
          SELECT x.* FROM (
            SELECT u.id FROM users u WHERE u.email LIKE ${actor.usersLike} ORDER BY u.email
            LIMIT ${MAX_ACTORS_FOR_PARTIAL_EMAIL}
          ) u
          CROSS JOIN LATERAL (
            SELECT ${COLUMNS} FROM audit_events e
            WHERE e.actor_id = u.id AND ${conditions}
            ORDER BY e.id DESC LIMIT ${limit}
          ) x
          ORDER BY x.sort_id DESC
          LIMIT ${limit}`)
      : await queryRows<Row>(Prisma.sql`
          SELECT ${COLUMNS} FROM audit_events e
          WHERE ${conditions}
          ORDER BY e.id DESC
          LIMIT ${limit}`);
  const page = keysetPage(rows, AUDIT_PAGE_SIZE, toItem, (last) => encodeIdCursor(last.id));
  // Names for this page's targets only: a few primary-key lookups, not a join over the trail.
  const labels = await auditTargetLabels(page.items, caller);
  for (const item of page.items) {
    if (item.targetType && item.targetId) item.target = labels.get(targetKey(item.targetType, item.targetId.toLowerCase())) ?? null;
  }
  return page;
}

/** The action names for the filter: a fixed list, since DISTINCT over the table is slow. */
export async function listAuditActions(caller: Caller): Promise<string[]> {
  await authorize(caller, 'audit.read', { action: 'audit.list', targetType: 'audit_event' });
  return [...AUDIT_ACTIONS];
}

// ---------------------------------------------------------------------------
// DTOs

const MAX_VALUE_CHARS = 300;

function display(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function changesOf(json: unknown): AuditChange[] {
  if (json === null || json === undefined) return [];
  if (!isObject(json)) return [{ field: '(changes)', before: null, after: display(json) }];
  return Object.entries(json).map(([field, change]) =>
    isObject(change) && ('before' in change || 'after' in change)
      ? { field, before: display(change.before), after: display(change.after) }
      : { field, before: null, after: display(change) },
  );
}

function detailOf(json: unknown): { key: string; value: string }[] {
  if (json === null || json === undefined) return [];
  if (!isObject(json)) return [{ key: 'detail', value: display(json) ?? '' }];
  return Object.entries(json).map(([key, value]) => ({ key, value: display(value) ?? '' }));
}

function toItem(r: Row): AuditEventItem {
  return {
    id: r.id,
    occurredAt: r.occurred_at.toISOString(),
    actor: { id: r.actor_id, email: r.actor_email, role: r.actor_role },
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    target: null,
    environment: r.environment,
    outcome: r.outcome,
    ip: r.ip,
    userAgent: r.user_agent,
    requestId: r.request_id,
    changes: changesOf(r.changes),
    detail: detailOf(r.detail),
  };
}
