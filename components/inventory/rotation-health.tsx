// A stacked bar of the current view's rotation state. The bar is decoration for sighted
// users; the legend beside it carries the same numbers as text for everyone.
import { cn } from '@/components/ui/cn';

type Segment = { key: string; label: string; count: number; color: string };

const number = new Intl.NumberFormat('en-US');

function percent(count: number, total: number): string {
  if (!total) return '0%';
  const p = (count / total) * 100;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}

export function RotationHealth({ total, overdue, dueSoon, noPolicy }: { total: number; overdue: number; dueSoon: number; noPolicy: number }) {
  const segments: Segment[] = [
    { key: 'overdue', label: 'Overdue', count: overdue, color: 'bg-red-600' },
    { key: 'soon', label: 'Due soon', count: dueSoon, color: 'bg-amber-400' },
    { key: 'ok', label: 'On schedule', count: Math.max(total - overdue - dueSoon - noPolicy, 0), color: 'bg-emerald-500' },
    { key: 'none', label: 'No policy', count: noPolicy, color: 'bg-slate-300' },
  ];
  const summary = segments.map((s) => `${s.label} ${number.format(s.count)}`).join(', ');

  return (
    <figure className="min-w-0 flex-1">
      <figcaption className="mb-2 text-sm font-medium text-slate-800">Rotation health</figcaption>
      <div aria-hidden title={summary} className="flex h-3 w-full overflow-hidden rounded-full bg-slate-100">
        {total > 0 &&
          segments
            .filter((s) => s.count > 0)
            .map((s) => (
              <div
                key={s.key}
                className={cn('h-full border-white first:border-l-0 [&:not(:first-child)]:border-l-2', s.color)}
                style={{ width: `${(s.count / total) * 100}%`, minWidth: '4px' }}
              />
            ))}
      </div>
      <ul className="mt-3 flex flex-wrap gap-x-5 gap-y-1.5 text-sm">
        {segments.map((s) => {
          return (
            <li key={s.key} className="inline-flex items-center gap-1.5">
              <span aria-hidden className={cn('inline-block size-2.5 rounded-sm', s.color)} />
              <span className="text-slate-700">{s.label}</span>
              <span className="font-semibold tabular-nums text-slate-900">{number.format(s.count)}</span>
              <span className="text-xs text-slate-500 tabular-nums">{percent(s.count, total)}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
