// The Users page as it lives in the URL: filters and keyset cursor. Unknown or
// malformed parameters fall back to defaults instead of failing the page.
import { z } from 'zod';
import { ROLES } from '@/lib/auth/permissions';
import { USER_STATUSES } from './user';
import { afterCursor, firstValues, listHref, loose, searchText, type SearchParams } from './list-url';

export const USER_PAGE_SIZE = 50;

export const ZUserListQuery = z.object({
  q: searchText,
  role: loose(z.enum(ROLES)),
  status: loose(z.enum(USER_STATUSES)),
  after: afterCursor,
});

export type TUserListQuery = z.infer<typeof ZUserListQuery>;

export function parseUserListQuery(params: SearchParams): TUserListQuery {
  return ZUserListQuery.parse(firstValues(params));
}

export function userListHref(query: Partial<TUserListQuery>, path = '/settings/users'): string {
  return listHref(path, query);
}
