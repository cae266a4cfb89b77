// The inventory list view as it lives in the URL: filters, sort and keyset cursor.
// Unknown or malformed parameters fall back to defaults instead of failing the page.
import { z } from 'zod';
import { CLASSIFICATIONS, SECRET_STATUSES } from './secret';

export const SECRET_SORTS = ['name', '-name', 'due', '-updated'] as const;
export type SecretSort = (typeof SECRET_SORTS)[number];
export const DUE_FILTERS = ['overdue', 'soon', 'never'] as const;
export const DUE_SOON_DAYS = 14;
export const PAGE_SIZES = [25, 50, 100] as const;
/** "Not read in N days" (access history): connected secrets with no read logged since. */
export const UNREAD_DAYS = [7, 30, 90] as const;

const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const ZSecretListQuery = z.object({
  q: loose(
    z
      .string()
      .trim()
      .max(200)
      .transform((s) => s || undefined),
  ),
  env: loose(z.string().trim().min(1).max(100)),
  owner: loose(z.uuid()),
  system: loose(z.uuid()),
  classification: loose(z.enum(CLASSIFICATIONS)),
  // "any" shows decommissioned secrets too; by default they are hidden.
  status: loose(z.enum([...SECRET_STATUSES, 'any'])),
  due: loose(z.enum(DUE_FILTERS)),
  tag: loose(z.string().trim().toLowerCase().max(50)),
  unread: loose(z.coerce.number().refine((n) => (UNREAD_DAYS as readonly number[]).includes(n))),
  sort: z.enum(SECRET_SORTS).catch('name').default('name'),
  size: z.coerce
    .number()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
    .catch(50)
    .default(50),
  after: loose(z.string().max(500)),
});

export type TSecretListQuery = z.infer<typeof ZSecretListQuery>;

/** Next's searchParams with the first of each repeated value, as the list queries read them. */
export function firstValues(params: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

/** Parses Next's searchParams (values may be arrays) into a list query. */
export function parseSecretListQuery(params: Record<string, string | string[] | undefined>): TSecretListQuery {
  return ZSecretListQuery.parse(firstValues(params));
}

/** The URL search string for a query, leaving out defaults so links stay short. */
export function secretListHref(query: Partial<TSecretListQuery>, path = '/inventory'): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (key === 'sort' && value === 'name') continue;
    if (key === 'size' && value === 50) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}
