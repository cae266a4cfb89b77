// Rotation health over time: the share of secrets within policy per day (a DailyLineChart).
// The picture is for sighted readers; the sentence under it says the same for everyone,
// and the figures are one click away as a table. Days without a recorded snapshot are gaps
// in the line, not zeros.
import { DailyLineChart, dayLabel } from '@/components/ui/daily-line-chart';
import { FiguresByDay } from '@/components/ui/figures-by-day';
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
      <FiguresByDay
        caption="Rotation health per day"
        headings={['Within policy', 'Overdue', 'No policy', 'Secrets']}
        rows={points.map((p) => ({
          day: p.day,
          note: p.live ? 'now' : undefined,
          cells: [
            <>
              {number.format(p.withinPolicy)} {p.total > 0 && <span className="text-slate-500">({percent(p.withinPolicy / p.total)})</span>}
            </>,
            number.format(p.overdue),
            number.format(p.noPolicy),
            number.format(p.total),
          ],
        }))}
      />
    </figure>
  );
}
