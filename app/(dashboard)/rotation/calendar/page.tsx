import type { Metadata } from 'next';
import Link from 'next/link';
import { ListPager } from '@/components/catalog/list-pager';
import { MonthGrid, monthTitle } from '@/components/rotation/month-grid';
import { RotationFilters } from '@/components/rotation/rotation-filters';
import { RotationTable } from '@/components/rotation/rotation-table';
import { ViewSwitch } from '@/components/rotation/view-switch';
import { buttonClass } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { requireSignedIn } from '@/lib/auth/session';
import { appClock } from '@/lib/clock';
import { listEnvironments, listTeamOptions, systemOptionsByIds } from '@/lib/data/catalog';
import { rotationCalendar, rotationCalendarDay } from '@/lib/data/rotation-views';
import { filtersOf, parseRotationCalendarQuery, ROTATION_FILTER_KEYS, rotationHref } from '@/lib/validation/rotation-list';
import { searchSystemsAction } from '../../inventory/actions';

export const metadata: Metadata = { title: 'Rotation calendar' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const number = new Intl.NumberFormat('en-US');
const longDay = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + by, 1)).toISOString().slice(0, 7);
}

export default async function RotationCalendarPage({ searchParams }: { searchParams: SearchParams }) {
  const caller = await requireSignedIn();
  const query = parseRotationCalendarQuery(await searchParams);
  const filters = filtersOf(query);
  const now = appClock().now();
  const today = now.toISOString().slice(0, 10);
  // A chosen day decides the month; otherwise the URL's month, or this month.
  const month = query.day?.slice(0, 7) ?? query.month ?? today.slice(0, 7);
  const [calendar, dayPage, expiryPage, environments, teams, chosenSystems] = await Promise.all([
    rotationCalendar(caller, filters, month),
    query.day ? rotationCalendarDay(caller, filters, query.day, { size: query.size, after: query.after }) : Promise.resolve(null),
    query.day ? rotationCalendarDay(caller, filters, query.day, { size: query.size, after: query.eafter }, 'expiry') : Promise.resolve(null),
    listEnvironments(caller),
    listTeamOptions(caller),
    query.system ? systemOptionsByIds(caller, [query.system]) : Promise.resolve([]),
  ]);

  const filtered = ROTATION_FILTER_KEYS.some((key) => query[key] !== undefined);
  const href = (over: Record<string, unknown>) => rotationHref('/rotation/calendar', { ...filters, month, ...over });
  const counts = new Map(calendar.days.map((d) => [d.day, d.count]));
  const expiries = new Map(calendar.expiries.map((d) => [d.day, d.count]));
  const monthTotal = calendar.days.reduce((sum, d) => sum + d.count, 0);
  const monthExpiring = calendar.expiries.reduce((sum, d) => sum + d.count, 0);
  const dayCount = query.day ? (counts.get(query.day) ?? 0) : 0;
  const dayExpiring = query.day ? (expiries.get(query.day) ?? 0) : 0;
  // Each of the day's two lists pages on its own cursor and keeps the other's.
  const dayHref = (over: Record<string, unknown>) => href({ month: undefined, day: query.day, after: query.after, eafter: query.eafter, ...over });

  return (
    <>
      <PageHeader
        title="Rotation calendar"
        description="When secrets fall due for rotation and when credentials expire, day by day (UTC)."
        actions={<ViewSwitch current="calendar" listHref={rotationHref('/rotation', filters)} calendarHref={href({})} />}
      />

      <RotationFilters
        action="/rotation/calendar"
        values={query}
        keep={{ month }}
        defaults={{}}
        clearHref={rotationHref('/rotation/calendar', { month })}
        filtered={filtered}
        environments={environments}
        teams={teams}
        chosenSystem={chosenSystems[0] ?? null}
        searchSystems={searchSystemsAction}
      />

      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-lg font-semibold text-slate-900" aria-live="polite">
          {monthTitle(month)}
          <span className="ml-2 text-sm font-normal text-slate-600">
            {number.format(monthTotal)} {monthTotal === 1 ? 'secret' : 'secrets'} due
            {monthExpiring > 0 && `, ${number.format(monthExpiring)} ${monthExpiring === 1 ? 'credential expires' : 'credentials expire'}`}
          </span>
        </h2>
        <nav aria-label="Months" className="flex gap-2">
          <Link href={href({ month: shiftMonth(month, -1) })} className={buttonClass('secondary')}>
            <span aria-hidden>‹</span> {monthTitle(shiftMonth(month, -1))}
          </Link>
          {month !== today.slice(0, 7) && (
            <Link href={href({ month: today.slice(0, 7) })} className={buttonClass('ghost')}>
              This month
            </Link>
          )}
          <Link href={href({ month: shiftMonth(month, 1) })} className={buttonClass('secondary')}>
            {monthTitle(shiftMonth(month, 1))} <span aria-hidden>›</span>
          </Link>
        </nav>
      </div>

      <MonthGrid month={month} counts={counts} expiries={expiries} today={today} selected={query.day} hrefFor={(day) => href({ month: undefined, day })} />

      <section aria-labelledby="day-heading" className="mt-8">
        {query.day && dayPage ? (
          <>
            <h2 id="day-heading" className="mb-3 text-base font-semibold text-slate-900">
              Due on {longDay.format(new Date(`${query.day}T00:00:00Z`))}
            </h2>
            {dayPage.items.length === 0 ? (
              <p className="text-sm text-slate-600">{dayCount === 0 ? 'Nothing falls due on this day.' : 'This page is past the end of the list.'}</p>
            ) : (
              <>
                <RotationTable items={dayPage.items} when="due" now={now.getTime()} caption={`Secrets due on ${query.day}`} />
                <ListPager
                  shown={dayPage.items.length}
                  total={dayCount}
                  noun={['secret', 'secrets']}
                  firstHref={query.after ? dayHref({ after: undefined }) : undefined}
                  nextHref={dayPage.nextCursor ? dayHref({ after: dayPage.nextCursor }) : undefined}
                />
              </>
            )}
            {expiryPage && (dayExpiring > 0 || query.eafter) && (
              <div className="mt-8">
                <h3 className="mb-3 text-base font-semibold text-slate-900">Credentials expiring on {longDay.format(new Date(`${query.day}T00:00:00Z`))}</h3>
                {expiryPage.items.length === 0 ? (
                  <p className="text-sm text-slate-600">This page is past the end of the list.</p>
                ) : (
                  <>
                    <RotationTable items={expiryPage.items} when="expires" now={now.getTime()} caption={`Credentials expiring on ${query.day}`} />
                    <ListPager
                      shown={expiryPage.items.length}
                      total={dayExpiring}
                      noun={['secret', 'secrets']}
                      firstHref={query.eafter ? dayHref({ eafter: undefined }) : undefined}
                      nextHref={expiryPage.nextCursor ? dayHref({ eafter: expiryPage.nextCursor }) : undefined}
                    />
                  </>
                )}
              </div>
            )}
          </>
        ) : (
          <p id="day-heading" className="text-sm text-slate-600">
            Choose a day to list the secrets that fall due and the credentials that expire on it.
          </p>
        )}
      </section>
    </>
  );
}
