// The Rotation tabs: one link per bucket with its count, keeping filters and window.
import Link from 'next/link';
import { BUCKET_LABELS } from '@/components/rotation/labels';
import { cn } from '@/components/ui/cn';
import type { RotationCounts } from '@/lib/data/rotation-views';
import { ROTATION_BUCKETS, type RotationBucket } from '@/lib/validation/rotation-list';

const URGENT: RotationBucket[] = ['overdue', 'failed'];
const number = new Intl.NumberFormat('en-US');

export function BucketTabs({
  current,
  counts,
  soonDays,
  hrefFor,
}: {
  current: RotationBucket;
  counts: RotationCounts;
  soonDays: number;
  hrefFor: (bucket: RotationBucket) => string;
}) {
  return (
    <nav aria-label="Rotation lists" className="mb-4 border-b border-slate-200">
      <ul className="-mb-px flex flex-wrap gap-x-1">
        {ROTATION_BUCKETS.map((bucket) => {
          const active = bucket === current;
          const count = counts[bucket];
          return (
            <li key={bucket}>
              <Link
                href={hrefFor(bucket)}
                aria-current={active ? 'page' : undefined}
                className={cn(
                  'inline-flex items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium',
                  active ? 'border-accent-600 text-slate-900' : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900',
                )}
              >
                {BUCKET_LABELS[bucket]}
                {bucket === 'soon' && <span className="text-xs font-normal text-slate-500">({soonDays} d)</span>}
                <span
                  className={cn(
                    'rounded-full px-2 py-0.5 text-xs font-semibold tabular-nums',
                    URGENT.includes(bucket) && count > 0 ? 'bg-red-100 text-red-800' : 'bg-slate-100 text-slate-700',
                  )}
                >
                  {number.format(count)}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
