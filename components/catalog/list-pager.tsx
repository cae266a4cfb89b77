// The Teams and Systems lists' pager: the shared keyset pager with a count of all matches.
import { Pager } from '@/components/ui/pager';

export function ListPager({
  shown,
  total,
  noun,
  firstHref,
  nextHref,
}: {
  shown: number;
  total: number;
  noun: [singular: string, plural: string];
  /** Set when this is not the first page. */
  firstHref?: string;
  nextHref?: string;
}) {
  return (
    <Pager
      summary={`Showing ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${total === 1 ? noun[0] : noun[1]}`}
      firstHref={firstHref}
      nextHref={nextHref}
    />
  );
}
