// The SQL behind the audit trail's filters, as Prisma.Sql fragments: shared by the audit
// page (lib/data/audit-events.ts) and the audit events export (lib/export/sources), so an
// export matches the page's filters exactly. Every filter maps onto an index of audit_events.
import { Prisma } from '@/generated/prisma/client';
import { escapeLike } from '@/lib/db/like';
import { rangeEnd, rangeStart, type TAuditListQuery } from '@/lib/validation/audit-list';
import { isUuid } from '@/lib/validation/ids';
import { ZEmail } from '@/lib/validation/user';

/** A condition on the events, or (part of an email) the accounts whose events to merge. */
export type ActorFilter = { where: Prisma.Sql } | { usersLike: string };

export function actorFilter(actor: string): ActorFilter {
  if (isUuid(actor)) return { where: Prisma.sql`e.actor_id = ${actor}::uuid` };
  const email = ZEmail.safeParse(actor);
  // A whole email matches on the recorded email (index actor_email, id), which also finds
  // sign-in attempts by addresses that have no account.
  if (email.success) return { where: Prisma.sql`e.actor_email = ${email.data}` };
  return { usersLike: `%${escapeLike(actor.toLowerCase())}%` };
}

// The distinct target types, read by hopping through the (target_type, target_id, id)
// index one value at a time (a handful of probes, not a scan). Lets a target id without
// a type still use that index.
const DISTINCT_TARGET_TYPES = Prisma.sql`
  WITH RECURSIVE types(v) AS (
    (SELECT target_type FROM audit_events WHERE target_type IS NOT NULL ORDER BY target_type LIMIT 1)
    UNION ALL
    SELECT (SELECT a.target_type FROM audit_events a WHERE a.target_type > types.v ORDER BY a.target_type LIMIT 1)
    FROM types WHERE types.v IS NOT NULL
  )
  SELECT v FROM types WHERE v IS NOT NULL`;

/** Conditions for every filter except an actor given as part of an email. */
export function filterConditions(query: TAuditListQuery, actor: ActorFilter | null): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (actor && 'where' in actor) where.push(actor.where);
  if (query.action) where.push(Prisma.sql`e.action = ${query.action}`);
  if (query.targetType) where.push(Prisma.sql`e.target_type = ${query.targetType}`);
  if (query.targetId) {
    if (!query.targetType) where.push(Prisma.sql`e.target_type IN (${DISTINCT_TARGET_TYPES})`);
    where.push(Prisma.sql`e.target_id = ${query.targetId}`);
  }
  if (query.environment) where.push(Prisma.sql`e.environment = ${query.environment}`);
  if (query.outcome) where.push(Prisma.sql`e.outcome = ${query.outcome}::"AuditOutcome"`);
  // Event times never go backwards along the chain (lib/audit/chain-append.ts), so a time
  // range is also a range of ids: bounding the id lets the newest-first walk on the primary
  // key start and stop at the range instead of reading through every newer event.
  if (query.from) {
    const start = rangeStart(query.from);
    where.push(Prisma.sql`e.occurred_at >= ${start}`, Prisma.sql`e.id >= ${firstIdAtOrAfter(start)}`);
  }
  if (query.to) {
    const end = rangeEnd(query.to);
    where.push(Prisma.sql`e.occurred_at < ${end}`, Prisma.sql`e.id < ${firstIdAtOrAfter(end)}`);
  }
  return where;
}

/** The first event at or after an instant (past the last id when there is none): one index probe. */
function firstIdAtOrAfter(instant: Date): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT b.id FROM audit_events b WHERE b.occurred_at >= ${instant} ORDER BY b.occurred_at, b.id LIMIT 1), ${MAX_BIGINT}::bigint)`;
}

const MAX_BIGINT = '9223372036854775807';
