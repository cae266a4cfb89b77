// Pieces shared by the Teams and Systems lists.
import Link from 'next/link';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ListPager } from './list-pager';

/** Nothing to show: either the search matched nothing, or a stale link went past the end. */
export function NoMatches({
  pastEnd,
  firstPageHref,
  allHref,
  noun,
  searchTitle,
}: {
  pastEnd: boolean;
  firstPageHref: string;
  allHref: string;
  noun: string;
  searchTitle: string;
}) {
  return (
    <EmptyState title={pastEnd ? `No more ${noun}` : searchTitle}>
      <p>
        {pastEnd ? 'This page is past the end of the list. ' : 'Names are matched anywhere, ignoring case. '}
        <Link href={pastEnd ? firstPageHref : allHref} className="font-medium text-accent-700 underline">
          {pastEnd ? 'Back to the first page' : `Show all ${noun}`}
        </Link>
      </p>
    </EmptyState>
  );
}

/** A count in a table cell that links to the rows it counts; a plain grey 0 links nowhere. */
export function CountLink({ href, count, label }: { href: string; count: number; label: string }) {
  if (count === 0) return <span className="text-slate-500">0</span>;
  return (
    <Link href={href} aria-label={`${label}: ${count}`} className="font-medium text-accent-700 hover:underline">
      {count.toLocaleString('en-US')}
    </Link>
  );
}

/**
 * A Teams or Systems list page's table: the shared DataTable with the catalog's empty
 * state (no match, or past the end) and pager with its total.
 */
export function CatalogTable<T extends { id: string }>({
  noun,
  columns,
  page,
  after,
  here,
  allHref,
  searchTitle,
}: {
  noun: [singular: string, plural: string];
  columns: Column<T>[];
  page: { items: T[]; total: number; nextCursor: string | null };
  /** The cursor of this page (unset on the first). */
  after?: string;
  /** This list's address with the same filters, at a cursor. */
  here: (after?: string) => string;
  allHref: string;
  searchTitle: string;
}) {
  const plural = noun[1];
  return (
    <DataTable
      caption={plural[0].toUpperCase() + plural.slice(1)}
      items={page.items}
      itemKey={(item) => item.id}
      columns={columns}
      empty={<NoMatches pastEnd={Boolean(after)} firstPageHref={here()} allHref={allHref} noun={plural} searchTitle={searchTitle} />}
      pager={
        <ListPager
          shown={page.items.length}
          total={page.total}
          noun={noun}
          firstHref={after ? here() : undefined}
          nextHref={page.nextCursor ? here(page.nextCursor) : undefined}
        />
      }
    />
  );
}
