// A value per day as an inline SVG line with its area, from 0 to `max`: the picture behind
// the Overview's trend charts. Days without a value are gaps in the line, not zeros. The
// picture is for sighted readers: callers put the same facts in words (`summaryId` names
// that text) and in a table.
const W = 640;
const H = 200;
const PAD = { top: 12, right: 16, bottom: 28, left: 40 };
const DAY = 86_400_000;

const shortDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
export const dayLabel = (day: string) => shortDay.format(new Date(`${day}T00:00:00Z`));

export type DailyValue = { day: string; value: number | null };

export function DailyLineChart({
  points,
  days,
  today,
  max,
  format,
  title,
  titleId,
  summaryId,
}: {
  points: DailyValue[];
  days: number;
  /** The last day of the window (YYYY-MM-DD), labelled "Today". */
  today: string;
  /** The value at the top of the chart (the bottom is 0). */
  max: number;
  format: (value: number) => string;
  title: string;
  titleId: string;
  summaryId: string;
}) {
  const end = new Date(`${today}T00:00:00Z`).getTime();
  const start = end - (days - 1) * DAY;
  const x = (day: string) => PAD.left + ((new Date(`${day}T00:00:00Z`).getTime() - start) / Math.max(end - start, DAY)) * (W - PAD.left - PAD.right);
  const y = (value: number) => PAD.top + (1 - value / max) * (H - PAD.top - PAD.bottom);

  // Consecutive days with a value form one run of the line; a missing day starts another.
  const runs: { day: string; value: number }[][] = [];
  let previous: number | null = null;
  for (const p of points) {
    const t = new Date(`${p.day}T00:00:00Z`).getTime();
    if (p.value === null) {
      previous = null;
      continue;
    }
    if (previous === null || t - previous > DAY) runs.push([]);
    runs.at(-1)!.push({ day: p.day, value: p.value });
    previous = t;
  }
  const line = (run: { day: string; value: number }[]) => run.map((p, i) => `${i ? 'L' : 'M'}${x(p.day).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const area = (run: { day: string; value: number }[]) => `${line(run)} L${x(run.at(-1)!.day).toFixed(1)},${y(0)} L${x(run[0].day).toFixed(1)},${y(0)} Z`;
  const last = runs.at(-1)?.at(-1);
  const ticks = [start, start + (end - start) / 2, end].map((t) => new Date(Math.round(t / DAY) * DAY).toISOString().slice(0, 10));

  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${titleId} ${summaryId}`} className="h-auto w-full" preserveAspectRatio="xMidYMid meet">
      <title id={titleId}>{title}</title>
      {[0, 0.5, 1].map((g) => (
        <g key={g}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(g * max)} y2={y(g * max)} className="stroke-slate-200" strokeDasharray={g === 0 ? undefined : '3 3'} />
          <text x={PAD.left - 6} y={y(g * max) + 4} textAnchor="end" className="fill-slate-500 text-[11px]">
            {format(g * max)}
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
          {run.length === 1 && <circle cx={x(run[0].day)} cy={y(run[0].value)} r={3} className="fill-emerald-600" />}
        </g>
      ))}
      {last && (
        <g>
          <circle cx={x(last.day)} cy={y(last.value)} r={4.5} className="fill-white stroke-emerald-700" strokeWidth={2} />
          <text x={x(last.day) - 8} y={Math.max(y(last.value) - 9, PAD.top + 10)} textAnchor="end" className="fill-slate-900 text-[12px] font-semibold">
            {format(last.value)}
          </text>
        </g>
      )}
    </svg>
  );
}
