// The audit trail's filters as they live in the URL. Unknown or malformed parameters
// fall back to "no filter" instead of failing the page; `from`/`to` are calendar days
// (UTC) or full ISO timestamps, `to` being inclusive of its whole day.
import { z } from 'zod';
import { ACTION_NAME_RE } from '@/lib/audit/actions';

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_OUTCOMES = ['success', 'denied', 'failed'] as const;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const text = (max: number) => z.string().trim().max(max).transform((s) => s || undefined);
/** A range bound: a calendar day (UTC) or a full ISO timestamp. */
export const isRangeBound = (s: string) => (DAY_RE.test(s) || s.includes('T')) && !Number.isNaN(Date.parse(DAY_RE.test(s) ? `${s}T00:00:00Z` : s));
const when = z.string().trim().refine(isRangeBound);

export const ZAuditListQuery = z.object({
  /** Part of an actor's email, a whole email, or a user id. */
  actor: loose(text(254)),
  action: loose(z.string().trim().max(100).regex(ACTION_NAME_RE)),
  targetType: loose(z.string().trim().max(50).regex(/^[a-z][a-z0-9_]*$/)),
  targetId: loose(text(200)),
  /** The environment name recorded on the event (e.g. production). */
  environment: loose(text(100)),
  outcome: loose(z.enum(AUDIT_OUTCOMES)),
  from: loose(when),
  to: loose(when),
  after: loose(z.string().max(100)),
});

export type TAuditListQuery = z.infer<typeof ZAuditListQuery>;

export function parseAuditListQuery(params: Record<string, string | string[] | undefined>): TAuditListQuery {
  const single = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  return ZAuditListQuery.parse(single);
}

/** Start of the range: a day means its first instant (UTC). */
export function rangeStart(value: string): Date {
  return new Date(DAY_RE.test(value) ? `${value}T00:00:00Z` : value);
}

/** End of the range, exclusive: a day means the instant after it ends (UTC). */
export function rangeEnd(value: string): Date {
  if (!DAY_RE.test(value)) return new Date(value);
  const start = new Date(`${value}T00:00:00Z`);
  return new Date(start.getTime() + 86_400_000);
}

export function auditListHref(query: Partial<TAuditListQuery>, path = '/audit'): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}
