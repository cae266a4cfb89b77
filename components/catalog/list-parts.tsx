// Pieces shared by the Teams and Systems lists.
import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';

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
