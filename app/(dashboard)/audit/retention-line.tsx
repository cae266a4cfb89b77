// The Audit page's word on retention, for auditors: the period an administrator set and
// the newest purge, if any (events before it are in that purge's export, not here).
import Link from 'next/link';
import { formatDay } from '@/components/format';
import { RetentionPeriod } from '@/components/audit/retention-summary';
import type { AuditRetentionDto } from '@/lib/data/audit-retention';

export function RetentionLine({ retention, canChange }: { retention: AuditRetentionDto; canChange: boolean }) {
  const { lastPurge } = retention;
  return (
    <section aria-labelledby="retention-title" className="mb-5 text-sm text-slate-700">
      <h2 id="retention-title" className="inline font-semibold text-slate-900">
        Retention:
      </h2>{' '}
      <RetentionPeriod retentionDays={retention.retentionDays} now={new Date()} /> Nothing is deleted automatically.{' '}
      {lastPurge ? (
        <>
          Last purge {formatDay(lastPurge.at)}: {lastPurge.eventsPurged.toLocaleString('en')} events from before {formatDay(lastPurge.before)}, checkpoint at
          seq {lastPurge.throughSeq}.
        </>
      ) : (
        'No events have been purged.'
      )}{' '}
      {canChange && (
        <Link href="/settings/retention" className="font-medium text-accent-700 underline">
          Change the retention period
        </Link>
      )}
    </section>
  );
}
