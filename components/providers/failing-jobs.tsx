import { formatDateTime } from '@/components/format';
import { Alert } from '@/components/ui/alert';
import type { ConnectionJobFailure } from '@/lib/data/provider-connections';

// What each background job that works per connection is, in the words of this page.
const JOB_LABELS: Record<string, string> = {
  'access-ingest': 'Access history ingestion (every 15 minutes)',
  'discovery-scan': 'Discovery scan',
  'fingerprint-backfill': 'Fingerprint backfill for leak checks',
};

/** Background jobs currently failing for a connection, with the recorded reason and since when. */
export function FailingJobs({ failures }: { failures: ConnectionJobFailure[] }) {
  if (failures.length === 0) return null;
  return (
    <Alert>
      <p className="font-medium">Background jobs are failing for this connection</p>
      <ul className="mt-2 space-y-2" aria-label="Failing background jobs">
        {failures.map((f) => (
          <li key={f.job} data-testid={`job-fault-${f.job}`}>
            <span className="block font-medium">{JOB_LABELS[f.job] ?? f.job}</span>
            <span className="block break-words">{f.message}</span>
            <span className="block text-xs text-red-800">
              Failing since {formatDateTime(f.since)} · last failed {formatDateTime(f.lastFailedAt)}
              {f.failures > 1 ? ` · ${f.failures.toLocaleString('en-US')} failed runs` : ''}. Clears when a run succeeds.
            </span>
          </li>
        ))}
      </ul>
    </Alert>
  );
}
