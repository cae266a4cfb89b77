// Rotation health over time: the share of secrets within policy per day, as an inline
// SVG line with its area. The picture is for sighted readers; the sentence under it says
// the same for everyone, and the figures are one click away as a table. Days without a
// recorded snapshot are gaps in the line, not zeros.
import { cn } from '@/components/ui/cn';
import type { HealthPoint } from '@/lib/data/rotation-views';

const W = 640;
const H = 200;
const PAD = { top: 12, right: 16, bottom: 28, left: 40 };
const DAY = 86_400_000;

const percent = (p: number) => `${Math.round(p * 100)}%`;
const number = new Intl.NumberFormat('en-US');
const shortDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayLabel = (day: string) => shortDay.format(new Date(`${day}T00:00:00Z`));

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
  const end = new Date(`${today}T00:00:00Z`).getTime();
  const start = end - (days - 1) * DAY;
  const x = (day: string) => PAD.left + ((new Date(`${day}T00:00:00Z`).getTime() - start) / Math.max(end - start, DAY)) * (W - PAD.left - PAD.right);
  const y = (share: number) => PAD.top + (1 - share) * (H - PAD.top - PAD.bottom);

  // Consecutive recorded days form one run of the line; a missing day starts another.
  const runs: { day: string; share: number }[][] = [];
  let previous: number | null = null;
  for (const p of points) {
    const share = shareOf(p);
    const t = new Date(`${p.day}T00:00:00Z`).getTime();
    if (share === null) {
      previous = null;
      continue;
    }
    if (previous === null || t - previous > DAY) runs.push([]);
    runs.at(-1)!.push({ day: p.day, share });
    previous = t;
  }
  const line = (run: { day: string; share: number }[]) => run.map((p, i) => `${i ? 'L' : 'M'}${x(p.day).toFixed(1)},${y(p.share).toFixed(1)}`).join(' ');
  const area = (run: { day: string; share: number }[]) => `${line(run)} L${x(run.at(-1)!.day).toFixed(1)},${y(0)} L${x(run[0].day).toFixed(1)},${y(0)} Z`;
  const last = runs.at(-1)?.at(-1);
  const ticks = [start, start + (end - start) / 2, end].map((t) => new Date(Math.round(t / DAY) * DAY).toISOString().slice(0, 10));
  const summary = summaryOf(points, days);

  return (
    <figure>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby="health-chart-title health-chart-summary"
        className="h-auto w-full"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="health-chart-title">{`Share of secrets within policy per day, last ${days} days`}</title>
        {[0, 0.5, 1].map((g) => (
          <g key={g}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(g)} y2={y(g)} className="stroke-slate-200" strokeDasharray={g === 0 ? undefined : '3 3'} />
            <text x={PAD.left - 6} y={y(g) + 4} textAnchor="end" className="fill-slate-500 text-[11px]">
              {percent(g)}
            </text>
          </g>
        ))}
        {ticks.map((day, i) => (
          <text
            key={day + i}
            x={x(day)}
            y={H - 8}
            textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
            className="fill-slate-500 text-[11px]"
          >
            {i === ticks.length - 1 ? 'Today' : dayLabel(day)}
          </text>
        ))}
        {runs.map((run) => (
          <g key={run[0].day}>
            {run.length > 1 && <path d={area(run)} className="fill-emerald-500/10" />}
            {run.length > 1 && <path d={line(run)} className="fill-none stroke-emerald-600" strokeWidth={2} strokeLinejoin="round" />}
            {run.length === 1 && <circle cx={x(run[0].day)} cy={y(run[0].share)} r={3} className="fill-emerald-600" />}
          </g>
        ))}
        {last && (
          <g>
            <circle cx={x(last.day)} cy={y(last.share)} r={4.5} className="fill-white stroke-emerald-700" strokeWidth={2} />
            <text x={x(last.day) - 8} y={Math.max(y(last.share) - 9, PAD.top + 10)} textAnchor="end" className="fill-slate-900 text-[12px] font-semibold">
              {percent(last.share)}
            </text>
          </g>
        )}
      </svg>
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
