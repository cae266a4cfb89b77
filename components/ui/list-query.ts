// The query of a filtered list page, read from the address. The filter form submits its
// empty fields too; such an address is replaced by the short one, so shared links stay short.
import 'server-only';
import { redirect } from 'next/navigation';

type SearchParams = Record<string, string | string[] | undefined>;

export async function readListQuery<Q extends { after?: string }>(
  searchParams: Promise<SearchParams>,
  parse: (params: SearchParams) => Q,
  /** The list's address for this query, from the given page on. */
  hrefOf: (query: Q, after?: string) => string,
) {
  const params = await searchParams;
  const query = parse(params);
  const here = (after?: string) => hrefOf(query, after);
  if (Object.values(params).some((v) => v === '')) redirect(here(query.after));
  return { query, here };
}
