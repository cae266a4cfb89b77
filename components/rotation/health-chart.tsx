// Rotation health over time: the share of secrets within policy per day (a DailyLineChart).
// The picture is for sighted readers; the sentence under it says the same for everyone,
// and the figures are one click away as a table. Days without a recorded snapshot are gaps
// in the line, not zeros.
import { cn } from '@/components/ui/cn';
import { DailyLineChart, dayLabel } from '@/components/ui/daily-line-chart';
import type { HealthPoint } from '@/lib/data/rotation-views';

const percent = (p: number) => `${Math.round(p * 100)}%`;
const number = new Intl.NumberFormat('en-US');

/** Share within policy, or null when there was nothing to measure. */
const shareOf = (p: HealthPoint) => (p.total > 0 ? p.withinPolicy / p.total : null);

function summaryOf(points: HealthPoint[], days: number): string {
  const today = points.at(-1);
  if (!today || today.total === 0) return 'There are no secrets in use yet, so there is nothing to measure.';
  const now = `Today ${percent(today.withinPolicy / today.total)} of secrets are within policy (${number.format(today.withinPolicy)} of ${number.format(today.total)}; ${number.format(today.overdue)} overdue, ${number.format(today.noPolicy)} without a policy).`;
  const first = points.find((p) => !p.live && p.total > 0);
  if (!first) return `${now} No earlier days are recorded yet.`;
  const delta = Math.round((today.withinPolicy / today.total) * 100) - Math.round((first.withinPolicy / first.total) * 100);
  const trend = delta === 0 ? 'unchanged' : `${delta > 0 ? 'up' : 'down'} ${Math.abs(delta)} ${Math.abs(delta) === 1 ? 'point' : 'points'}`;
  return `${now} On ${dayLabel(first.day)}, the earliest recorded day of the last ${days}, it was ${percent(first.withinPolicy / first.total)}: ${trend}.`;
}

export function HealthChart({ points, days, today }: { points: HealthPoint[]; days: number; today: string }) {
  const summary = summaryOf(points, days);

  return (
    <figure>
      <DailyLineChart
        points={points.map((p) => ({ day: p.day, value: shareOf(p) }))}
        days={days}
        today={today}
        max={1}
        format={percent}
        title={`Share of secrets within policy per day, last ${days} days`}
        titleId="health-chart-title"
        summaryId="health-chart-summary"
      />
      <figcaption id="health-chart-summary" className="mt-3 text-sm text-slate-700">
        {summary}
      </figcaption>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer font-medium text-accent-700">Show the figures per day</summary>
        <div className="mt-2 max-h-72 overflow-y-auto">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Rotation health per day</caption>
            <thead>
              <tr className="text-xs uppercase tracking-wide text-slate-600">
                {['Day', 'Within policy', 'Overdue', 'No policy', 'Secrets'].map((label, i) => (
                  // The day on the left, the counts right-aligned under their numbers.
                  <th key={label} scope="col" className={cn('py-1 pr-4 font-semibold last:pr-0', i > 0 && 'text-right')}>
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 tabular-nums">
              {[...points].reverse().map((p) => (
                <tr key={p.day}>
                  <th scope="row" className="py-1 pr-4 font-normal">
                    {p.day}
                    {p.live && <span className="text-slate-500"> (now)</span>}
                  </th>
                  <td className="py-1 pr-4 text-right">
                    {number.format(p.withinPolicy)} {p.total > 0 && <span className="text-slate-500">({percent(p.withinPolicy / p.total)})</span>}
                  </td>
                  <td className="py-1 pr-4 text-right">{number.format(p.overdue)}</td>
                  <td className="py-1 pr-4 text-right">{number.format(p.noPolicy)}</td>
                  <td className="py-1 text-right">{number.format(p.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
