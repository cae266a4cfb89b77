// The Rotation area's views as they live in the URL: which bucket (tab), the due-soon
// window, the calendar month and day, plus exactly the inventory's filters (taken from
// its schema, so the two areas filter alike). Unknown or malformed parameters fall back
// to defaults instead of failing the page.
import { z } from 'zod';
import { firstValues, listHref, loose, type SearchParams } from './list-url';
import { ZSecretListQuery, type TSecretListQuery } from './secret-list';

export const ROTATION_BUCKETS = ['overdue', 'soon', 'never', 'in_progress', 'failed', 'in_grace'] as const;
export type RotationBucket = (typeof ROTATION_BUCKETS)[number];

export const DEFAULT_SOON_DAYS = 30;
export const MAX_SOON_DAYS = 365;

/** The inventory's filters, minus its own rotation filter (`due`): here the tab decides. */
export const ROTATION_FILTER_KEYS = ['q', 'env', 'owner', 'system', 'classification', 'status', 'tag'] as const;
export type RotationFilters = Pick<TSecretListQuery, (typeof ROTATION_FILTER_KEYS)[number]>;

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const filterShape = ZSecretListQuery.pick({
  q: true,
  env: true,
  owner: true,
  system: true,
  classification: true,
  status: true,
  tag: true,
}).shape;

// Page size and keyset cursor, read as the inventory reads them.
const pageShape = ZSecretListQuery.pick({ size: true, after: true }).shape;

export const ZRotationListQuery = z.object({
  ...filterShape,
  tab: z.enum(ROTATION_BUCKETS).catch('overdue').default('overdue'),
  days: z.coerce.number().int().min(1).max(MAX_SOON_DAYS).catch(DEFAULT_SOON_DAYS).default(DEFAULT_SOON_DAYS),
  ...pageShape,
});
export type TRotationListQuery = z.infer<typeof ZRotationListQuery>;

export const ZRotationCalendarQuery = z.object({
  ...filterShape,
  /** YYYY-MM; absent means the current month (decided by the page's clock, not here). */
  month: loose(z.string().regex(MONTH_RE)),
  /** YYYY-MM-DD: the day whose list is shown under the grid. */
  day: loose(
    z
      .string()
      .regex(DAY_RE)
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d)),
  ),
  ...pageShape,
  /** The cursor of the day's "expiring" list, paged apart from its "due" list. */
  eafter: pageShape.after,
});
export type TRotationCalendarQuery = z.infer<typeof ZRotationCalendarQuery>;

export function parseRotationListQuery(params: SearchParams): TRotationListQuery {
  return ZRotationListQuery.parse(firstValues(params));
}

export function parseRotationCalendarQuery(params: SearchParams): TRotationCalendarQuery {
  return ZRotationCalendarQuery.parse(firstValues(params));
}

/** The filters alone, as the inventory's list query (for lib/data/secret-list-sql.ts). */
export function asInventoryFilters(filters: RotationFilters): TSecretListQuery {
  return {
    q: filters.q,
    env: filters.env,
    owner: filters.owner,
    system: filters.system,
    classification: filters.classification,
    status: filters.status,
    tag: filters.tag,
    due: undefined,
    sort: 'name',
    size: 50,
    after: undefined,
  };
}

/** A URL for a Rotation view, leaving out defaults so shared links stay short. */
export function rotationHref(path: '/rotation' | '/rotation/calendar', query: Record<string, unknown>): string {
  return listHref(path, query, { tab: 'overdue', days: DEFAULT_SOON_DAYS, size: 50 });
}

/** Just the filter part of a query (to carry filters between the list, calendar and home). */
export function filtersOf(query: RotationFilters): RotationFilters {
  return Object.fromEntries(ROTATION_FILTER_KEYS.map((k) => [k, query[k]])) as RotationFilters;
}
