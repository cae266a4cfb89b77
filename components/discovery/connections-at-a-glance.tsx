// One card per cloud connection on the Discovery page: when it was last scanned, how that
// went, and how many secrets it left unmanaged (a link to them). Scans are started and
// scheduled on the connection's own page.
import Link from 'next/link';
import { formatDateTime, relativeDays } from '@/components/format';
import { ConnectionKindBadge } from '@/components/providers/kind-badge';
import { Badge } from '@/components/ui/badge';
import type { ConnectionDiscovery } from '@/lib/data/unmanaged';
import { unmanagedHref } from '@/lib/validation/unmanaged';

function ScanState({ connection }: { connection: ConnectionDiscovery }) {
  const scan = connection.lastScan;
  if (!scan) return <Badge>Never scanned</Badge>;
  if (scan.status === 'running') return <Badge tone="blue">Scanning…</Badge>;
  if (scan.status === 'failed') return <Badge tone="red">Last scan failed</Badge>;
  return <Badge tone="green">Scanned</Badge>;
}

export function ConnectionsAtAGlance({ connections }: { connections: ConnectionDiscovery[] }) {
  if (connections.length === 0) {
    return (
      <p className="mb-6 rounded-lg bg-white p-4 text-sm text-slate-700 shadow-sm ring-1 ring-slate-200">
        No AWS or GCP connection yet. <Link href="/settings/providers/new">Add one under Settings → Providers</Link> and scan it to find its secrets.
      </p>
    );
  }
  return (
    <ul className="mb-8 grid gap-3 sm:grid-cols-2 xl:grid-cols-3" aria-label="Cloud connections">
      {connections.map((c) => (
        <li key={c.id} className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <div className="flex items-start justify-between gap-2">
            <div>
              <Link href={`/settings/providers/${c.id}`} className="font-medium text-slate-900 hover:underline">
                {c.name}
              </Link>
              <div className="mt-1 flex flex-wrap gap-1">
                <ConnectionKindBadge kind={c.kind} />
                <ScanState connection={c} />
              </div>
            </div>
            <Link href={unmanagedHref({ connection: c.id })} className="text-right" aria-label={`${c.unmanaged} unmanaged secrets in ${c.name}`}>
              <span className="block text-2xl font-semibold tabular-nums text-slate-900">{c.unmanaged.toLocaleString('en-US')}</span>
              <span className="text-xs text-slate-600">unmanaged</span>
            </Link>
          </div>
          <p className="mt-3 text-xs text-slate-600">
            {c.lastCompletedAt ? (
              <>
                Last complete scan{' '}
                <time dateTime={c.lastCompletedAt} title={formatDateTime(c.lastCompletedAt)}>
                  {relativeDays(c.lastCompletedAt)}
                </time>
              </>
            ) : (
              'No complete scan yet'
            )}
            {' · '}
            {c.scanIntervalHours ? `scans every ${c.scanIntervalHours} h` : 'scans on demand'}
            {c.ignored > 0 && (
              <>
                {' · '}
                <Link href={unmanagedHref({ connection: c.id, state: 'ignored' })} className="text-accent-700 hover:underline">
                  {c.ignored} ignored
                </Link>
              </>
            )}
          </p>
          {c.lastScan?.status === 'failed' && c.lastScan.error && <p className="mt-2 text-xs text-red-700">{c.lastScan.error}</p>}
        </li>
      ))}
    </ul>
  );
}
