import type { Metadata } from 'next';
import Link from 'next/link';
import { formatScore } from '@/components/posture/labels';
import { PostureTrend } from '@/components/posture/posture-trend';
import { HealthChart } from '@/components/rotation/health-chart';
import { HeldRotations } from '@/components/rotation/held-rotations';
import { BUCKET_LABELS } from '@/components/rotation/labels';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { PageHeader } from '@/components/ui/page-header';
import { RangeNav } from '@/components/ui/range-nav';
import { requireSignedIn } from '@/lib/auth/session';
import { appClock } from '@/lib/clock';
import { postureOverview } from '@/lib/data/posture';
import { healthSeries, listHeldRotations, rotationCounts } from '@/lib/data/rotation-views';
import { adminsWithoutSecondFactor } from '@/lib/data/user-security';
import { DEFAULT_SOON_DAYS, rotationHref, type RotationBucket } from '@/lib/validation/rotation-list';

export const metadata: Metadata = { title: 'Overview' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// The chart's window, in the URL (?range=90) so a view can be shared.
const RANGES = [30, 90, 365] as const;
const DEFAULT_RANGE = 30;
const number = new Intl.NumberFormat('en-US');

const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);
const TILES: { bucket: RotationBucket; hint: (count: number) => string; urgent: boolean }[] = [
  { bucket: 'overdue', hint: (n) => `${plural(n, 'secret', 'secrets')} past the rotation date`, urgent: true },
  { bucket: 'soon', hint: (n) => `${plural(n, 'secret', 'secrets')} due within ${DEFAULT_SOON_DAYS} days`, urgent: false },
  { bucket: 'in_progress', hint: (n) => `${plural(n, 'rotation', 'rotations')} under way`, urgent: false },
  { bucket: 'failed', hint: (n) => `${plural(n, 'secret', 'secrets')} whose latest rotation failed`, urgent: true },
];

export default async function Home({ searchParams }: { searchParams: SearchParams }) {
  const caller = await requireSignedIn();
  const rangeParam = Number((await searchParams).range);
  const range = (RANGES as readonly number[]).includes(rangeParam) ? rangeParam : DEFAULT_RANGE;
  const clock = appClock();
  const [counts, series, unprotectedAdmins, posture, held] = await Promise.all([
    rotationCounts(caller, {}, { soonDays: DEFAULT_SOON_DAYS, clock }),
    healthSeries(caller, range, clock),
    adminsWithoutSecondFactor(caller),
    postureOverview(caller, { range }, clock.now()),
    listHeldRotations(caller),
  ]);
  const today = clock.now().toISOString().slice(0, 10);

  return (
    <>
      <PageHeader title="Overview" description="Where rotation stands across every secret in use." />

      {unprotectedAdmins ? (
        <div className="mb-6">
          <Alert>
            {unprotectedAdmins === 1 ? 'An administrator signs in' : `${unprotectedAdmins} administrators sign in`} with a password and no second factor.{' '}
            <Link className="font-medium underline" href="/settings/users?role=admin">
              Review administrators
            </Link>{' '}
            or{' '}
            <Link className="font-medium underline" href="/account">
              set up yours
            </Link>
            .
          </Alert>
        </div>
      ) : null}

      <section aria-labelledby="rotation-counts" className="mb-6">
        <h2 id="rotation-counts" className="sr-only">
          Rotation at a glance
        </h2>
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          {TILES.map(({ bucket, hint, urgent }) => {
            const count = counts[bucket];
            const alarm = urgent && count > 0;
            return (
              <li key={bucket} className="h-full">
                <Link
                  href={rotationHref('/rotation', { tab: bucket })}
                  className={cn('block h-full rounded-lg bg-white p-5 shadow-sm ring-1 hover:bg-slate-50', alarm ? 'ring-red-200' : 'ring-slate-200')}
                >
                  <span className="block text-sm font-medium text-slate-700">{BUCKET_LABELS[bucket]}</span>
                  <span className={cn('mt-1 block text-3xl font-semibold tabular-nums tracking-tight', alarm ? 'text-red-700' : 'text-slate-900')}>
                    {number.format(count)}
                  </span>
                  <span className="mt-1 block text-xs text-slate-500">{hint(count)}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </section>

      {held.length > 0 && <HeldRotations items={held} />}

      <Card title="Rotation health over time">
        <RangeNav ranges={RANGES} current={range} hrefFor={(r) => (r === DEFAULT_RANGE ? '/' : `/?range=${r}`)} />
        <HealthChart points={series} days={range} today={today} />
        <p className="mt-4 text-xs text-slate-500">
          Within policy: has a rotation interval and is not overdue. Secrets in use are all but decommissioned ones. Each past day is the worker&apos;s daily
          snapshot; today is live.
        </p>
      </Card>

      <Card title="Posture over time" className="mt-6">
        {posture.org ? (
          <p className="mb-4 flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <span className="text-3xl font-semibold tabular-nums tracking-tight text-slate-900">{formatScore(posture.org.score)}</span>
            <span className="text-sm text-slate-600">out of 100 across {number.format(posture.org.secrets)} secrets in use</span>
            <Link href="/posture" className="text-sm font-medium text-accent-700 hover:underline">
              See what to fix first
            </Link>
          </p>
        ) : null}
        <PostureTrend points={posture.series} days={range} today={posture.day ?? today} who="the organisation" />
      </Card>
    </>
  );
}
