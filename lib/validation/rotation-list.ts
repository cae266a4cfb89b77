// The Rotation area's views as they live in the URL: which bucket (tab), the due-soon
// window, the calendar month and day, plus exactly the inventory's filters (taken from
// its schema, so the two areas filter alike). Unknown or malformed parameters fall back
// to defaults instead of failing the page.
import { z } from 'zod';
import { firstValues, ZSecretListQuery, type TSecretListQuery } from './secret-list';

export const ROTATION_BUCKETS = ['overdue', 'soon', 'never', 'in_progress', 'failed', 'in_grace'] as const;
export type RotationBucket = (typeof ROTATION_BUCKETS)[number];

export const DEFAULT_SOON_DAYS = 30;
export const MAX_SOON_DAYS = 365;

/** The inventory's filters, minus its own rotation filter (`due`): here the tab decides. */
export const ROTATION_FILTER_KEYS = ['q', 'env', 'owner', 'system', 'classification', 'status', 'tag'] as const;
export type RotationFilters = Pick<TSecretListQuery, (typeof ROTATION_FILTER_KEYS)[number]>;

const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
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
});
export type TRotationCalendarQuery = z.infer<typeof ZRotationCalendarQuery>;

type Params = Record<string, string | string[] | undefined>;

export function parseRotationListQuery(params: Params): TRotationListQuery {
  return ZRotationListQuery.parse(firstValues(params));
}

export function parseRotationCalendarQuery(params: Params): TRotationCalendarQuery {
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
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (key === 'tab' && value === 'overdue') continue;
    if (key === 'days' && value === DEFAULT_SOON_DAYS) continue;
    if (key === 'size' && value === 50) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Just the filter part of a query (to carry filters between the list, calendar and home). */
export function filtersOf(query: RotationFilters): RotationFilters {
  return Object.fromEntries(ROTATION_FILTER_KEYS.map((k) => [k, query[k]])) as RotationFilters;
}
