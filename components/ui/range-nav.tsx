// The chart window as pill links (30 days, 90 days, 1 year), the current one marked: the
// window lives in the URL, so a chart view can be shared.
import Link from 'next/link';
import { cn } from './cn';

export function RangeNav({ ranges, current, hrefFor }: { ranges: readonly number[]; current: number; hrefFor: (range: number) => string }) {
  return (
    <nav aria-label="Chart range" className="mb-4 flex gap-2 text-sm">
      {ranges.map((r) => (
        <Link
          key={r}
          href={hrefFor(r)}
          aria-current={r === current ? 'page' : undefined}
          className={cn(
            'rounded-full px-3 py-1 ring-1 ring-inset',
            r === current ? 'bg-slate-900 text-white ring-slate-900' : 'text-slate-700 ring-slate-300 hover:bg-slate-50',
          )}
        >
          {r === 365 ? '1 year' : `${r} days`}
        </Link>
      ))}
    </nav>
  );
}
