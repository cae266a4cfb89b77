// Keyset paging links under a catalog list: back to the first page, on to the next.
// Keyset pages have no numbers, so the count line says how many match in total.
import Link from 'next/link';

const LINK =
  'rounded-md px-3 py-1.5 font-medium text-accent-700 ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50';

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
    <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
      <p>
        Showing {shown.toLocaleString('en-US')} of {total.toLocaleString('en-US')} {total === 1 ? noun[0] : noun[1]}
      </p>
      <div className="flex gap-2">
        {firstHref && (
          <Link href={firstHref} className={LINK}>
            <span aria-hidden>«</span> First page
          </Link>
        )}
        {nextHref && (
          <Link href={nextHref} className={LINK}>
            Next page <span aria-hidden>»</span>
          </Link>
        )}
      </div>
    </nav>
  );
}
