// A chart's figures as a table, one click away under it: the day on the left, the counts
// right-aligned under their headings, newest first. For readers who want numbers, not lines.
import { cn } from './cn';

export type DayFigures = { day: string; note?: string; cells: React.ReactNode[] };

export function FiguresByDay({ caption, headings, rows }: { caption: string; headings: string[]; rows: DayFigures[] }) {
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer font-medium text-accent-700">Show the figures per day</summary>
      <div className="mt-2 max-h-72 overflow-y-auto">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr className="text-xs uppercase tracking-wide text-slate-600">
              {['Day', ...headings].map((label, i) => (
                <th key={label} scope="col" className={cn('py-1 pr-4 font-semibold last:pr-0', i > 0 && 'text-right')}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 tabular-nums">
            {[...rows].reverse().map((row) => (
              <tr key={row.day}>
                <th scope="row" className="py-1 pr-4 font-normal">
                  {row.day}
                  {row.note && <span className="text-slate-500"> ({row.note})</span>}
                </th>
                {row.cells.map((cell, i) => (
                  <td key={i} className="py-1 pr-4 text-right last:pr-0">
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
