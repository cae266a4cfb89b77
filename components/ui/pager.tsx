// Keyset paging links under a list: back to the first page, on to the next. Keyset pages
// have no numbers, so the summary (when the page gives one) says how many match in all.
import { LinkButton } from './button';

export function Pager({
  summary,
  firstHref,
  nextHref,
}: {
  summary?: React.ReactNode;
  /** Set when this is not the first page. */
  firstHref?: string;
  nextHref?: string;
}) {
  return (
    <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
      {summary && <p>{summary}</p>}
      <div className="flex gap-2">
        {firstHref && <LinkButton href={firstHref}>First page</LinkButton>}
        {nextHref && <LinkButton href={nextHref}>Next page</LinkButton>}
      </div>
    </nav>
  );
}
