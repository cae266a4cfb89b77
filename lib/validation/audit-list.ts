// The audit trail's filters as they live in the URL (the Audit page, its exports and the
// evidence bundle). A malformed filter is refused with a message naming it, never dropped:
// dropping it would show or export more events than the auditor asked for. Blank values
// mean "not given" (empty form fields); other parameters are not filters. `from`/`to` are
// calendar days (UTC) or ISO timestamps (UTC unless they carry an offset), `to` being
// inclusive of its whole day.
import { z } from 'zod';
import { ACTION_NAME_RE } from '@/lib/audit/actions';
import { InputError, type FieldErrors } from '@/lib/errors';
import { listHref, type SearchParams } from './list-url';

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_OUTCOMES = ['success', 'denied', 'failed'] as const;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A timestamp without an offset is UTC, as everywhere on the Audit page. */
const withZone = (s: string) => (DAY_RE.test(s) ? `${s}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`);

/**
 * A range bound: a calendar day (UTC) or an ISO timestamp whose every field exists. Date
 * parsing alone rolls 2026-02-30 over into March, and reads loose text like "T 2026".
 */
export function isRangeBound(s: string): boolean {
  const m = TIME_RE.exec(s);
  if (!m) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((v) => (v === undefined ? undefined : Number(v)));
  const utc = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
  const fieldsExist =
    utc.getUTCFullYear() === year &&
    utc.getUTCMonth() === month! - 1 &&
    utc.getUTCDate() === day &&
    utc.getUTCHours() === hour &&
    utc.getUTCMinutes() === minute &&
    utc.getUTCSeconds() === second;
  return fieldsExist && !Number.isNaN(Date.parse(withZone(s)));
}

export const RANGE_BOUND_MESSAGE = 'Use a date (YYYY-MM-DD) or an ISO time.';
export const ZRangeBound = z.string().trim().refine(isRangeBound, RANGE_BOUND_MESSAGE);

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());
const text = (max: number) => z.string().trim().max(max, `At most ${max} characters.`);

export const ZAuditListQuery = z
  .object({
    /** Part of an actor's email, a whole email, or a user id. */
    actor: optional(text(254)),
    action: optional(text(100).regex(ACTION_NAME_RE, 'Use an action name such as secret.update.')),
    targetType: optional(text(50).regex(/^[a-z][a-z0-9_]*$/, 'Use a target type such as secret (lower case).')),
    targetId: optional(text(200)),
    /** The environment name recorded on the event (e.g. production). */
    environment: optional(text(100)),
    outcome: optional(z.enum(AUDIT_OUTCOMES, 'Use success, denied or failed.')),
    from: optional(ZRangeBound),
    to: optional(ZRangeBound),
    /** The page cursor: not a filter (one that does not decode means the newest page). */
    after: z.string().max(100).optional().catch(undefined),
  })
  .refine((q) => !q.from || !q.to || rangeStart(q.from) < rangeEnd(q.to), { path: ['to'], error: 'Must not be before "from".' });

export type TAuditListQuery = z.infer<typeof ZAuditListQuery>;

export const AUDIT_LIST_PARAMS = ['actor', 'action', 'targetType', 'targetId', 'environment', 'outcome', 'from', 'to', 'after'] as const;
export type AuditListParam = (typeof AUDIT_LIST_PARAMS)[number];

/** The first value of each audit filter parameter, as given (for the filter form). */
export function auditListParams(params: SearchParams): Partial<Record<AuditListParam, string>> {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return Object.fromEntries(AUDIT_LIST_PARAMS.map((k) => [k, first(params[k])]).filter(([, v]) => v !== undefined));
}

export type AuditListCheck = { ok: true; query: TAuditListQuery } | { ok: false; fieldErrors: Partial<Record<AuditListParam, string>> };

/** The filters, or the first problem with each malformed one (keyed by parameter name). */
export function checkAuditListQuery(params: SearchParams): AuditListCheck {
  const result = ZAuditListQuery.safeParse(auditListParams(params));
  if (result.success) return { ok: true, query: result.data };
  const fieldErrors = z.flattenError(result.error).fieldErrors as FieldErrors;
  return { ok: false, fieldErrors: Object.fromEntries(Object.entries(fieldErrors).map(([k, errors]) => [k, errors[0]])) };
}

/** The filters, or an InputError naming each malformed one ("from: Use a date ..."). */
export function parseAuditListQuery(params: SearchParams): TAuditListQuery {
  const check = checkAuditListQuery(params);
  if (check.ok) return check.query;
  const message = Object.entries(check.fieldErrors)
    .map(([field, error]) => `${field}: ${error}`)
    .join(' ');
  const fieldErrors = Object.fromEntries(Object.entries(check.fieldErrors).map(([k, v]) => [k, [v]]));
  throw new InputError(`Check the audit filters. ${message}`, fieldErrors);
}

/** Start of the range: a day means its first instant (UTC). */
export function rangeStart(value: string): Date {
  return new Date(withZone(value));
}

/** End of the range, exclusive: a day means the instant after it ends (UTC). */
export function rangeEnd(value: string): Date {
  const start = new Date(withZone(value));
  return DAY_RE.test(value) ? new Date(start.getTime() + 86_400_000) : start;
}

export function auditListHref(query: Partial<TAuditListQuery>, path = '/audit'): string {
  return listHref(path, query);
}

/** The links an Audit page view shows, for its filters and the next page's cursor. */
export function auditListLinks(query: TAuditListQuery, nextCursor: string | null) {
  const { after, ...filters } = query;
  return {
    filtered: Object.values(filters).some(Boolean),
    /** A cursor was given: this is not the newest page. */
    laterPage: Boolean(after),
    first: auditListHref(filters),
    next: nextCursor ? auditListHref({ ...filters, after: nextCursor }) : null,
    /** The filters as a query string (no "?") for the export links: never the page cursor. */
    exportQuery: auditListHref(filters, '').replace(/^\?/, ''),
  };
}

export type AuditListLinks = ReturnType<typeof auditListLinks>;
