// A month of due dates: a Monday-first grid where every day is a link to its list of
// secrets, showing how many fall due and, apart from those, how many credentials expire.
// Days are UTC calendar days, as everywhere else.
import Link from 'next/link';
import { cn } from '@/components/ui/cn';
import { CalendarKeys } from './calendar-keys';

const WEEKDAYS = [
  ['Mon', 'Monday'],
  ['Tue', 'Tuesday'],
  ['Wed', 'Wednesday'],
  ['Thu', 'Thursday'],
  ['Fri', 'Friday'],
  ['Sat', 'Saturday'],
  ['Sun', 'Sunday'],
] as const;

const longDay = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
export const monthTitle = (month: string) =>
  new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));

/** The month's days in weeks, null for the cells before the 1st and after the last day. */
function weeksOf(month: string): (string | null)[][] {
  const first = new Date(`${month}-01T00:00:00Z`);
  const lead = (first.getUTCDay() + 6) % 7;
  const length = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  const cells: (string | null)[] = [...Array<null>(lead).fill(null), ...Array.from({ length }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`)];
  while (cells.length % 7) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
}

export function MonthGrid({
  month,
  counts,
  expiries,
  today,
  selected,
  hrefFor,
}: {
  month: string;
  counts: Map<string, number>;
  /** Credentials expiring per day (a different thing from a rotation falling due). */
  expiries: Map<string, number>;
  today: string;
  selected?: string;
  hrefFor: (day: string) => string;
}) {
  return (
    <CalendarKeys>
      <table className="w-full table-fixed border-collapse overflow-hidden rounded-lg bg-white text-sm shadow-sm ring-1 ring-slate-200">
        <caption className="sr-only">Secrets due in {monthTitle(month)}. Arrow keys move between days; Enter shows a day&apos;s secrets.</caption>
        <thead>
          <tr>
            {WEEKDAYS.map(([short, long]) => (
              <th key={short} scope="col" className="bg-slate-50 px-2 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600">
                <abbr title={long} className="no-underline">
                  {short}
                </abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeksOf(month).map((week, w) => (
            <tr key={w}>
              {week.map((day, d) => {
                if (!day) return <td key={d} className="h-20 border border-slate-100 bg-slate-50/60" />;
                const count = counts.get(day) ?? 0;
                const expiring = expiries.get(day) ?? 0;
                const isToday = day === today;
                const isSelected = day === selected;
                const label = `${longDay.format(new Date(`${day}T00:00:00Z`))}${isToday ? ' (today)' : ''}: ${
                  count === 0 ? 'nothing due' : `${count} ${count === 1 ? 'secret' : 'secrets'} due`
                }${expiring ? `, ${expiring} ${expiring === 1 ? 'credential expires' : 'credentials expire'}` : ''}`;
                return (
                  <td key={d} className="h-20 border border-slate-100 p-0 align-top">
                    <Link
                      href={hrefFor(day)}
                      data-day={day}
                      aria-label={label}
                      aria-current={isSelected ? 'date' : undefined}
                      scroll={false}
                      className={cn(
                        'flex h-full min-h-20 flex-col justify-between p-2 hover:bg-slate-50 focus:relative focus:z-10',
                        isSelected && 'bg-accent-50 ring-2 ring-inset ring-accent-600 hover:bg-accent-50',
                      )}
                    >
                      <span
                        className={cn(
                          'inline-flex size-6 items-center justify-center rounded-full text-xs tabular-nums',
                          isToday ? 'bg-slate-900 font-semibold text-white' : 'text-slate-700',
                        )}
                      >
                        {Number(day.slice(8))}
                      </span>
                      <span className="flex flex-col items-start gap-1">
                        {count > 0 && (
                          <span
                            className={cn(
                              'rounded-full px-2 py-0.5 text-xs font-semibold tabular-nums',
                              day < today ? 'bg-red-100 text-red-800' : 'bg-amber-100 text-amber-900',
                            )}
                          >
                            {count} due
                          </span>
                        )}
                        {expiring > 0 && (
                          <span className="rounded-full bg-violet-100 px-2 py-0.5 text-xs font-semibold text-violet-800 tabular-nums ring-1 ring-inset ring-violet-300">
                            {expiring} expiring
                          </span>
                        )}
                      </span>
                    </Link>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </CalendarKeys>
  );
}
