// The leak check: paste text or upload a file (a zip of a repository, a git bundle) to find
// which inventory secrets it holds, and the scans run so far (one's own; every scan for
// administrators and auditors).
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatBytes, formatDateTime } from '@/components/format';
import { SCAN_KIND_LABELS, SCAN_STATUS_LABELS, SCAN_STATUS_TONES } from '@/components/leaks/labels';
import { LeakScanForm } from '@/components/leaks/scan-form';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyNote } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Pager } from '@/components/ui/pager';
import { Panel } from '@/components/ui/panel';
import { can } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';
import { listLeakScans, type LeakScanItem } from '@/lib/data/leak-scans';
import { ForbiddenError } from '@/lib/errors';

export const metadata: Metadata = { title: 'Leak check' };

type Params = Promise<Record<string, string | string[] | undefined>>;

const columns = (everyone: boolean): Column<LeakScanItem>[] => [
  {
    header: 'Scan',
    className: 'min-w-48 max-w-md',
    cell: (s) => (
      <>
        <Link href={`/leaks/${s.id}`} className="font-medium break-words text-accent-700 hover:underline">
          {s.label}
        </Link>
        <span className="block text-xs text-slate-600">
          {[s.label === SCAN_KIND_LABELS[s.kind] ? null : SCAN_KIND_LABELS[s.kind], everyone ? s.startedByEmail : null, s.viaToken ? 'access token' : null]
            .filter(Boolean)
            .join(' · ')}
        </span>
      </>
    ),
  },
  { header: 'Started', headerClassName: 'whitespace-nowrap', className: 'whitespace-nowrap', cell: (s) => formatDateTime(s.startedAt) },
  {
    header: 'Status',
    cell: (s) => (
      <>
        <Badge tone={SCAN_STATUS_TONES[s.status]}>{SCAN_STATUS_LABELS[s.status]}</Badge>
        {s.error && <span className="mt-1 block max-w-72 text-xs text-red-800">{s.error}</span>}
      </>
    ),
  },
  { header: 'Read', numeric: true, cell: (s) => formatBytes(s.bytes) },
  { header: 'Candidates', numeric: true, cell: (s) => s.candidates.toLocaleString('en-US') },
  { header: 'Findings', numeric: true, cell: (s) => (s.findings ? <strong className="text-red-800">{s.findings.toLocaleString('en-US')}</strong> : '0') },
];

export default async function LeaksPage({ searchParams }: { searchParams: Params }) {
  const after = (await searchParams).after;
  const caller = await requireSignedIn();
  let page;
  try {
    page = await listLeakScans(caller, typeof after === 'string' ? after : undefined);
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    return (
      <>
        <PageHeader title="Leak check" />
        <Alert tone="info">Engineers and administrators run leak checks. Findings of your team’s secrets show on each secret’s page.</Alert>
      </>
    );
  }
  const mayScan = can(caller.user.role, 'leak.scan');
  return (
    <>
      <PageHeader
        title="Leak check"
        description="Find out which inventory secret a leaked string is: every value written through this dashboard is matched by its keyed fingerprint, current and previous versions alike, and credentials of known shapes are flagged too. Nothing scanned is kept."
      />
      {mayScan && (
        <div className="mb-8 grid gap-6 lg:grid-cols-3">
          <div className="lg:col-span-2">
            <Panel title="Scan text or a file">
              <LeakScanForm />
            </Panel>
          </div>
          <Panel title="A whole repository">
            <div className="space-y-2 text-sm text-slate-700">
              <p>Scan a repository’s work tree and its whole history on your own machine; only candidate strings are sent, never files:</p>
              <pre className="overflow-x-auto rounded bg-slate-900 px-3 py-2 text-xs text-slate-100">npm run leak-check -- path/to/repo</pre>
              <p>
                It needs an access token with the leak-check scope (
                <Link href="/account" className="text-accent-700 underline">
                  your account
                </Link>
                ).
              </p>
            </div>
          </Panel>
        </div>
      )}
      <h2 className="mb-3 text-lg font-semibold text-slate-900">{page.scope === 'all' ? 'All scans' : 'Your scans'}</h2>
      <DataTable
        caption={page.scope === 'all' ? 'Leak checks, newest first' : 'Your leak checks, newest first'}
        items={page.items}
        itemKey={(s) => s.id}
        columns={columns(page.scope === 'all')}
        empty={<EmptyNote>No leak checks yet.</EmptyNote>}
        pager={
          <Pager
            firstHref={after ? '/leaks' : undefined}
            nextHref={page.nextCursor ? `/leaks?after=${page.nextCursor}` : undefined}
            labels={['Newest', 'Older scans']}
          />
        }
      />
    </>
  );
}
