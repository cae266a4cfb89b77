// Keyset paging links under a list: back to the first page, on to the next. Keyset pages
// have no numbers, so the summary (when the page gives one) says how many match in all.
import { LinkButton } from './button';

export function Pager({
  summary,
  firstHref,
  nextHref,
  labels = ['First page', 'Next page'],
}: {
  summary?: React.ReactNode;
  /** Set when this is not the first page. */
  firstHref?: string;
  nextHref?: string;
  /** The two links' names, where a list reads better with its own (e.g. Newest, Older events). */
  labels?: [first: string, next: string];
}) {
  return (
    <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
      {summary && <p>{summary}</p>}
      <div className="flex gap-2">
        {firstHref && <LinkButton href={firstHref}>{labels[0]}</LinkButton>}
        {nextHref && <LinkButton href={nextHref}>{labels[1]}</LinkButton>}
      </div>
    </nav>
  );
}
