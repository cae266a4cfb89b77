// The inventory list view as it lives in the URL: filters, sort and keyset cursor.
// Unknown or malformed parameters fall back to defaults instead of failing the page.
import { z } from 'zod';
import { ZPostureCheckKey } from './posture';
import { CLASSIFICATIONS, SECRET_STATUSES } from './secret';
import { afterCursor, firstValues, listHref, loose, searchText, type SearchParams } from './list-url';

export const SECRET_SORTS = ['name', '-name', 'due', '-updated'] as const;
export type SecretSort = (typeof SECRET_SORTS)[number];
export const DUE_FILTERS = ['overdue', 'soon', 'never'] as const;
export { DUE_SOON_DAYS } from './due-soon';
export const PAGE_SIZES = [25, 50, 100] as const;
/** "Not read in N days" (access history): connected secrets with no read logged since. */
export const UNREAD_DAYS = [7, 30, 90] as const;
/** "Expiring within N days": secrets whose credential expires before then (expired ones included). */
export const EXPIRING_DAYS = [7, 14, 30, 60, 90] as const;

export const ZSecretListQuery = z.object({
  q: searchText,
  env: loose(z.string().trim().min(1).max(100)),
  owner: loose(z.uuid()),
  system: loose(z.uuid()),
  classification: loose(z.enum(CLASSIFICATIONS)),
  // "any" shows decommissioned secrets too; by default they are hidden.
  status: loose(z.enum([...SECRET_STATUSES, 'any'])),
  due: loose(z.enum(DUE_FILTERS)),
  tag: loose(z.string().trim().toLowerCase().max(50)),
  unread: loose(z.coerce.number().refine((n) => (UNREAD_DAYS as readonly number[]).includes(n))),
  // A posture check the secret fails (lib/posture/checks.ts), as of the worker's last refresh.
  failing: loose(ZPostureCheckKey),
  expiring: loose(z.coerce.number().refine((n) => (EXPIRING_DAYS as readonly number[]).includes(n))),
  sort: z.enum(SECRET_SORTS).catch('name').default('name'),
  size: z.coerce
    .number()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
    .catch(50)
    .default(50),
  after: afterCursor,
});

export type TSecretListQuery = z.infer<typeof ZSecretListQuery>;

/** Parses Next's searchParams (values may be arrays) into a list query. */
export function parseSecretListQuery(params: SearchParams): TSecretListQuery {
  return ZSecretListQuery.parse(firstValues(params));
}

/** The URL search string for a query, leaving out defaults so links stay short. */
export function secretListHref(query: Partial<TSecretListQuery>, path = '/inventory'): string {
  return listHref(path, query, { sort: 'name', size: 50 });
}

const FILTER_KEYS = ['q', 'env', 'owner', 'system', 'classification', 'status', 'due', 'tag', 'unread', 'expiring', 'failing'] as const;

type Sort = { href: string; state: 'ascending' | 'descending' | undefined };

/** A sortable header: the first click sorts by `primary`, the next by `reverse` (if any). */
function sortBy(view: Omit<TSecretListQuery, 'after'>, [primary, reverse]: [SecretSort, SecretSort | null]): Sort {
  const active = view.sort === primary || view.sort === reverse;
  const next = view.sort === primary && reverse ? reverse : primary;
  const state = !active ? undefined : view.sort === primary ? 'ascending' : 'descending';
  return { href: secretListHref({ ...view, sort: next }), state };
}

/**
 * Every link the inventory list shows for `query` (its filters, sort headers, quick
 * filters, pager, export), worked out where the query is parsed: the browser renders the
 * list from these and never needs the schema (and so zod) itself.
 */
export function secretListLinks(query: TSecretListQuery, nextCursor: string | null) {
  const { after, ...view } = query;
  const { size: _size, ...exportView } = view;
  const dueChip = (due: (typeof DUE_FILTERS)[number]) => ({
    href: secretListHref({ ...view, due: view.due === due ? undefined : due }),
    applied: view.due === due,
  });
  return {
    filtered: FILTER_KEYS.some((key) => query[key] !== undefined),
    laterPage: after !== undefined,
    clear: secretListHref({ sort: view.sort, size: view.size }),
    export: secretListHref(exportView, '/api/export/inventory'),
    first: secretListHref(view),
    next: nextCursor ? secretListHref({ ...view, after: nextCursor }) : null,
    withDecommissioned: secretListHref({ ...view, status: 'any' }),
    sortByName: sortBy(view, ['name', '-name']),
    sortByDue: sortBy(view, ['due', null]),
    due: { overdue: dueChip('overdue'), soon: dueChip('soon'), never: dueChip('never') },
  };
}

export type SecretListLinks = ReturnType<typeof secretListLinks>;
