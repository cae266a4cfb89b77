// Keyset paging links under a list: back to the first page, on to the next. Keyset pages
// have no numbers, so the summary (when the page gives one) says how many match in all.
import Link from 'next/link';
import { buttonClass } from './button';
import type { LinkComponent } from './data-table';

export function Pager({
  summary,
  firstHref,
  nextHref,
  labels = ['First page', 'Next page'],
  link: As = Link,
}: {
  summary?: React.ReactNode;
  /** Set when this is not the first page. */
  firstHref?: string;
  nextHref?: string;
  /** The two links' names, where a list reads better with its own (e.g. Newest, Older events). */
  labels?: [first: string, next: string];
  /** The links' component: a list rendered in the browser passes one that only changes the URL. */
  link?: LinkComponent;
}) {
  return (
    <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
      {summary && <p>{summary}</p>}
      <div className="flex gap-2">
        {firstHref && (
          <As href={firstHref} className={buttonClass('secondary')}>
            {labels[0]}
          </As>
        )}
        {nextHref && (
          <As href={nextHref} className={buttonClass('secondary')}>
            {labels[1]}
          </As>
        )}
      </div>
    </nav>
  );
}
