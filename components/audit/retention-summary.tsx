// What the retention period allows, in words, and the newest purge's checkpoint: shown on
// Settings -> Audit retention and, briefly, on the Audit page, where auditors read it.
import { formatDateTime, formatDay } from '@/components/format';
import type { AuditRetentionDto } from '@/lib/data/audit-retention';
import { RECOMMENDED_MIN_RETENTION_DAYS, retentionCutoff } from '@/lib/validation/audit-retention';

const days = (n: number) => `${n.toLocaleString('en')} day${n === 1 ? '' : 's'}`;

/** One sentence: the period and what it allows today. */
export function RetentionPeriod({ retentionDays, now }: { retentionDays: number | null; now: Date }) {
  if (retentionDays === null) {
    return (
      <>
        <strong className="font-semibold">Keep forever.</strong> No audit event may be purged.
      </>
    );
  }
  return (
    <>
      <strong className="font-semibold">{days(retentionDays)}.</strong> Events from before{' '}
      <time dateTime={retentionCutoff(retentionDays, now).toISOString()}>{formatDay(retentionCutoff(retentionDays, now).toISOString())}</time> may be purged by
      the operator.
    </>
  );
}

export function ShortRetentionWarning({ retentionDays }: { retentionDays: number | null }) {
  if (retentionDays === null || retentionDays >= RECOMMENDED_MIN_RETENTION_DAYS) return null;
  return (
    <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
      Shorter than a year. Regulators often need at least 12 months of audit history; check your obligations before the operator purges anything.
    </p>
  );
}

export function LastPurge({ lastPurge }: { lastPurge: AuditRetentionDto['lastPurge'] }) {
  if (!lastPurge) return <p className="text-sm text-slate-600">No events have been purged: the trail is complete since the start.</p>;
  return (
    <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-6 gap-y-2 text-sm">
      <dt className="font-medium text-slate-600">Purged at</dt>
      <dd>
        <time dateTime={lastPurge.at}>{formatDateTime(lastPurge.at)}</time>
      </dd>
      <dt className="font-medium text-slate-600">Events from before</dt>
      <dd>
        <time dateTime={lastPurge.before}>{formatDateTime(lastPurge.before)}</time>
      </dd>
      <dt className="font-medium text-slate-600">Events purged</dt>
      <dd className="tabular-nums">{lastPurge.eventsPurged.toLocaleString('en')}</dd>
      <dt className="font-medium text-slate-600">Checkpoint</dt>
      <dd>
        seq <span className="tabular-nums">{lastPurge.throughSeq}</span>: the remaining chain verifies from this event&apos;s hash
      </dd>
      <dt className="font-medium text-slate-600">Export file</dt>
      <dd className="break-all font-mono text-xs">{lastPurge.file}</dd>
    </dl>
  );
}
