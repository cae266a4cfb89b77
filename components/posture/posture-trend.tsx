// The posture score over time (the worker's day snapshots) as a line from 0 to 100, with
// the same facts in a sentence and, one click away, a table.
import { DailyLineChart, dayLabel } from '@/components/ui/daily-line-chart';
import { FiguresByDay } from '@/components/ui/figures-by-day';
import type { PosturePoint } from '@/lib/data/posture';
import { formatScore } from './labels';

function summaryOf(points: PosturePoint[], days: number, who: string): string {
  const today = points.at(-1);
  if (!today) return `No posture has been recorded for ${who} yet: the worker computes it every 15 minutes.`;
  const now = `The latest score of ${who} is ${formatScore(today.score)} out of 100, over ${today.secrets.toLocaleString('en-US')} secrets.`;
  const first = points[0];
  if (first === today) return `${now} No earlier days are recorded yet.`;
  const delta = Math.round((today.score - first.score) * 10) / 10;
  const trend = delta === 0 ? 'unchanged' : `${delta > 0 ? 'up' : 'down'} ${formatScore(Math.abs(delta))} ${Math.abs(delta) === 1 ? 'point' : 'points'}`;
  return `${now} On ${dayLabel(first.day)}, the earliest recorded day of the last ${days}, it was ${formatScore(first.score)}: ${trend}.`;
}

export function PostureTrend({ points, days, today, who }: { points: PosturePoint[]; days: number; today: string; who: string }) {
  return (
    <figure>
      <DailyLineChart
        points={points.map((p) => ({ day: p.day, value: p.score }))}
        days={days}
        today={today}
        max={100}
        format={(v) => formatScore(Math.round(v))}
        title={`Posture score of ${who} per day, last ${days} days`}
        titleId="posture-chart-title"
        summaryId="posture-chart-summary"
      />
      <figcaption id="posture-chart-summary" className="mt-3 text-sm text-slate-700">
        {summaryOf(points, days, who)}
      </figcaption>
      {points.length > 0 && (
        <FiguresByDay
          caption="Posture score per day"
          headings={['Score', 'Secrets']}
          rows={points.map((p) => ({ day: p.day, cells: [formatScore(p.score), p.secrets.toLocaleString('en-US')] }))}
        />
      )}
    </figure>
  );
}
