// One leak check: what was scanned, and its findings (severity, the secret, environment and
// version matched or the pattern rule, where, a masked preview), filtered by severity, a
// page at a time. "Mark compromised" opens the secret's mark-compromised form with the
// finding attached.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatBytes, formatDateTime } from '@/components/format';
import { FindingLocation, FindingMatch, FindingPreview, SeverityBadge } from '@/components/leaks/finding-parts';
import { SCAN_KIND_LABELS, SCAN_STATUS_LABELS, SCAN_STATUS_TONES, SEVERITY_LABELS } from '@/components/leaks/labels';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyNote } from '@/components/ui/empty-state';
import { FilterBar, FilterSelect } from '@/components/ui/filter-bar';
import { PageHeader } from '@/components/ui/page-header';
import { Pager } from '@/components/ui/pager';
import { requireSignedIn } from '@/lib/auth/session';
import { getLeakScan, type LeakFindingView } from '@/lib/data/leak-scans';
import { ForbiddenError, NotFoundError } from '@/lib/errors';
import { isUuid } from '@/lib/validation/ids';

export const metadata: Metadata = { title: 'Leak check' };

type Props = { params: Promise<{ scanId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const plural = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

const SEVERITY_OPTIONS = (['current_value', 'previous_value', 'pattern'] as const).map((value) => ({ value, label: SEVERITY_LABELS[value] }));

const columns: Column<LeakFindingView>[] = [
  { header: 'Severity', cell: (f) => <SeverityBadge severity={f.severity} /> },
  { header: 'Matches', className: 'min-w-48 max-w-sm', cell: (f) => <FindingMatch finding={f} /> },
  { header: 'Where', cell: (f) => <FindingLocation where={f} /> },
  { header: 'Preview', className: 'max-w-xs', cell: (f) => <FindingPreview preview={f.preview} /> },
  {
    header: <span className="sr-only">Actions</span>,
    cell: (f) =>
      f.mayMarkCompromised && f.secret ? (
        <LinkButton href={`/inventory/${f.secret.id}/rotation?finding=${f.id}#compromised-heading`} variant="danger" className="whitespace-nowrap">
          Mark compromised
        </LinkButton>
      ) : null,
  },
];

export default async function LeakScanPage({ params, searchParams }: Props) {
  const { scanId } = await params;
  if (!isUuid(scanId)) notFound();
  const query = await searchParams;
  const caller = await requireSignedIn();
  let detail;
  try {
    detail = await getLeakScan(caller, scanId, { severity: query.severity, cursor: query.after });
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (!(error instanceof ForbiddenError)) throw error;
    return (
      <>
        <PageHeader title="Leak check" />
        <Alert tone="info">{error.message}</Alert>
      </>
    );
  }
  const { scan, counts } = detail;
  const total = counts.current_value + counts.previous_value + counts.pattern;
  const base = `/leaks/${scan.id}`;
  const filterHref = detail.severity ? `${base}?severity=${detail.severity}` : base;

  return (
    <>
      <Link href="/leaks" className="mb-2 inline-block text-sm text-slate-600 hover:text-slate-900">
        ← Leak check
      </Link>
      <PageHeader
        title={`Leak check: ${scan.label}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={SCAN_STATUS_TONES[scan.status]}>{SCAN_STATUS_LABELS[scan.status]}</Badge>
            <span>
              {SCAN_KIND_LABELS[scan.kind]} · started {formatDateTime(scan.startedAt)}
              {scan.startedByEmail ? ` by ${scan.startedByEmail}` : ''} · {formatBytes(scan.bytes)} read
              {scan.files ? `, ${plural(scan.files, 'file')}` : ''}
              {scan.commits ? `, ${plural(scan.commits, 'commit')}` : ''}, {plural(scan.candidates, 'candidate')}
            </span>
          </span>
        }
      />
      {scan.error && (
        <div className="mb-4">
          <Alert>{scan.error}</Alert>
        </div>
      )}
      <dl className="mb-6 grid gap-4 sm:grid-cols-3">
        {(['current_value', 'previous_value', 'pattern'] as const).map((s) => (
          <div key={s} className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{SEVERITY_LABELS[s]}</dt>
            <dd className="mt-1 text-2xl font-semibold text-slate-900">{counts[s].toLocaleString('en-US')}</dd>
          </div>
        ))}
      </dl>
      <h2 className="mb-3 text-lg font-semibold text-slate-900">Findings</h2>
      <FilterBar action={base} label="Filter findings" clear={detail.severity ? { href: base, label: 'All severities' } : undefined}>
        <FilterSelect
          id="filter-severity"
          label="Severity"
          name="severity"
          value={detail.severity ?? undefined}
          anyLabel="Any severity"
          options={SEVERITY_OPTIONS}
          width="w-64"
        />
      </FilterBar>
      <DataTable
        caption="Findings of this leak check"
        items={detail.findings}
        itemKey={(f) => f.id}
        columns={columns}
        empty={
          <EmptyNote>{total === 0 ? 'Nothing was found: no inventory value and no credential of a known shape.' : 'No findings of this severity.'}</EmptyNote>
        }
        pager={
          <Pager
            summary={`${total.toLocaleString('en-US')} ${total === 1 ? 'finding' : 'findings'} in all`}
            firstHref={query.after ? filterHref : undefined}
            nextHref={detail.nextCursor ? `${filterHref}${detail.severity ? '&' : '?'}after=${detail.nextCursor}` : undefined}
          />
        }
      />
    </>
  );
}
