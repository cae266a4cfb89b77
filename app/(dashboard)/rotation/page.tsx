import type { Metadata } from 'next';
import { ListPager } from '@/components/catalog/list-pager';
import { BUCKET_LABELS, bucketDescription } from '@/components/rotation/labels';
import { RotationFilters } from '@/components/rotation/rotation-filters';
import { RotationTable, whenColumnFor } from '@/components/rotation/rotation-table';
import { ViewSwitch } from '@/components/rotation/view-switch';
import { BucketTabs } from './tabs';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { requireSignedIn } from '@/lib/auth/session';
import { appClock } from '@/lib/clock';
import { listEnvironments, listTeamOptions, systemOptionsByIds } from '@/lib/data/catalog';
import { listRotationBucket, rotationCounts } from '@/lib/data/rotation-views';
import { DEFAULT_SOON_DAYS, filtersOf, parseRotationListQuery, ROTATION_FILTER_KEYS, rotationHref } from '@/lib/validation/rotation-list';
import { searchSystemsAction } from '../inventory/actions';

export const metadata: Metadata = { title: 'Rotation' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const WINDOWS = [7, 14, 30, 60, 90];

export default async function RotationPage({ searchParams }: { searchParams: SearchParams }) {
  const caller = await requireSignedIn();
  const query = parseRotationListQuery(await searchParams);
  const filters = filtersOf(query);
  const clock = appClock();
  const now = clock.now();
  const [page, counts, environments, teams, chosenSystems] = await Promise.all([
    listRotationBucket(caller, query.tab, filters, { soonDays: query.days, size: query.size, after: query.after, clock }),
    rotationCounts(caller, filters, { soonDays: query.days, clock }),
    listEnvironments(caller),
    listTeamOptions(caller),
    query.system ? systemOptionsByIds(caller, [query.system]) : Promise.resolve([]),
  ]);

  const { after, ...view } = query;
  const filtered = ROTATION_FILTER_KEYS.some((key) => query[key] !== undefined);
  const windows = WINDOWS.includes(query.days) ? WINDOWS : [...WINDOWS, query.days].sort((a, b) => a - b);
  const listHref = (over: Record<string, unknown>) => rotationHref('/rotation', { ...view, ...over });

  return (
    <>
      <PageHeader
        title="Rotation"
        description="What is overdue, due soon, never rotated, under way, failed or in its grace period."
        actions={<ViewSwitch current="list" listHref={listHref({})} calendarHref={rotationHref('/rotation/calendar', filters)} />}
      />

      <RotationFilters
        action="/rotation"
        values={query}
        keep={{ tab: query.tab, size: String(query.size) }}
        defaults={{ tab: 'overdue', days: String(DEFAULT_SOON_DAYS), size: '50' }}
        clearHref={rotationHref('/rotation', { tab: query.tab, days: query.days, size: query.size })}
        filtered={filtered}
        environments={environments}
        teams={teams}
        chosenSystem={chosenSystems[0] ?? null}
        searchSystems={searchSystemsAction}
        extra={
          <div className="xl:col-span-2">
            <SelectField
              label="Due soon within"
              name="days"
              defaultValue={String(query.days)}
              options={windows.map((d) => ({ value: String(d), label: `${d} days` }))}
            />
          </div>
        }
      />

      <BucketTabs current={query.tab} counts={counts} soonDays={query.days} hrefFor={(tab) => listHref({ tab, size: query.size })} />

      <h2 className="sr-only">{BUCKET_LABELS[query.tab]}</h2>
      <p className="mb-3 text-sm text-slate-600">{bucketDescription(query.tab, query.days)}</p>

      {counts[query.tab] === 0 && !after ? (
        <EmptyState title={EMPTY_TITLES[query.tab]}>
          <p>{filtered ? 'No secret matching these filters is in this list.' : 'No secret is in this list right now.'}</p>
        </EmptyState>
      ) : page.items.length === 0 ? (
        <EmptyState title="This page is past the end of the list">
          <p>The list changed since this link was made.</p>
        </EmptyState>
      ) : (
        <>
          <RotationTable items={page.items} when={whenColumnFor(query.tab)} now={now.getTime()} caption={`${BUCKET_LABELS[query.tab]} secrets`} />
          <ListPager
            shown={page.items.length}
            total={counts[query.tab]}
            noun={['secret', 'secrets']}
            firstHref={after ? listHref({}) : undefined}
            nextHref={page.nextCursor ? listHref({ after: page.nextCursor }) : undefined}
          />
        </>
      )}
    </>
  );
}

const EMPTY_TITLES: Record<keyof typeof BUCKET_LABELS, string> = {
  overdue: 'Nothing is overdue',
  soon: 'Nothing is due soon',
  never: 'Every secret has been rotated at least once',
  in_progress: 'No rotation is under way',
  failed: 'No failed rotations',
  in_grace: 'No secret is in a grace period',
};
