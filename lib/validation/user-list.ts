// The Users page as it lives in the URL: filters and keyset cursor. Unknown or
// malformed parameters fall back to defaults instead of failing the page.
import { z } from 'zod';
import { ROLES } from '@/lib/auth/permissions';
import { USER_STATUSES } from './user';

export const USER_PAGE_SIZE = 50;

const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const ZUserListQuery = z.object({
  q: loose(
    z
      .string()
      .trim()
      .max(200)
      .transform((s) => s || undefined),
  ),
  role: loose(z.enum(ROLES)),
  status: loose(z.enum(USER_STATUSES)),
  after: loose(z.string().max(500)),
});

export type TUserListQuery = z.infer<typeof ZUserListQuery>;

const single = (params: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));

export function parseUserListQuery(params: Record<string, string | string[] | undefined>): TUserListQuery {
  return ZUserListQuery.parse(single(params));
}

export function userListHref(query: Partial<TUserListQuery>, path = '/settings/users'): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}
