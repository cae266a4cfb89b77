import type { Metadata } from 'next';
import Link from 'next/link';
import { DriftTable } from '@/components/drift/drift-table';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClass } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { SelectField } from '@/components/ui/field';
import { FilterForm } from '@/components/ui/filter-form';
import { PageHeader } from '@/components/ui/page-header';
import { Pager } from '@/components/ui/pager';
import { requireSignedIn } from '@/lib/auth/session';
import { listDrift } from '@/lib/data/drift';
import { DRIFT_KIND_LABELS } from '@/lib/discovery/drift-advice';
import { DRIFT_KINDS, type DriftKind } from '@/lib/discovery/drift';
import type { SearchParams } from '@/lib/validation/list-url';
import { fixDriftAction } from './actions';

export const metadata: Metadata = { title: 'Drift' };

const PATH = '/discovery/drift';

function hrefOf(filter: { connection?: string | null; kind?: DriftKind | null; cursor?: string | null }): string {
  const params = new URLSearchParams();
  if (filter.connection) params.set('connection', filter.connection);
  if (filter.kind) params.set('kind', filter.kind);
  if (filter.cursor) params.set('cursor', filter.cursor);
  const search = params.toString();
  return search ? `${PATH}?${search}` : PATH;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function DriftPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const caller = await requireSignedIn();
  const params = await searchParams;
  const report = await listDrift(caller, { connection: first(params.connection), kind: first(params.kind), cursor: first(params.cursor) });
  const { connection, kind } = report.filter;
  const chosen = report.connections.find((c) => c.id === connection);
  const unscanned = report.connections.filter((c) => !c.scannedAt);
  const total = kind ? report.counts[kind] : DRIFT_KINDS.reduce((n, k) => n + report.counts[k], 0);

  return (
    <>
      <PageHeader
        title="Drift"
        description="Where the inventory and the newest scan of each provider connection disagree, with what to do about each finding."
      />

      <section aria-labelledby="filters-heading" className="mb-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <h2 id="filters-heading" className="sr-only">
          Filters
        </h2>
        <FilterForm action={PATH} label="Filter drift findings" defaults={{}} className="grid items-end gap-x-4 gap-y-3 sm:grid-cols-2 lg:grid-cols-3">
          <SelectField
            label="Connection"
            name="connection"
            defaultValue={connection ?? ''}
            placeholder="All connections"
            options={report.connections.map((c) => ({ value: c.id, label: c.scannedAt ? c.name : `${c.name} (not scanned yet)` }))}
          />
          <SelectField
            label="Finding"
            name="kind"
            defaultValue={kind ?? ''}
            placeholder="Every kind"
            options={DRIFT_KINDS.map((k) => ({ value: k, label: DRIFT_KIND_LABELS[k] }))}
          />
          <div className="flex justify-end gap-2">
            {(connection || kind) && (
              <Link href={PATH} className={buttonClass('ghost')}>
                Clear filters
              </Link>
            )}
            <Button type="submit">Apply filters</Button>
          </div>
        </FilterForm>
      </section>

      <nav aria-label="Findings by kind" className="mb-6 flex flex-wrap gap-2">
        {DRIFT_KINDS.map((k) => (
          <Link
            key={k}
            href={hrefOf({ connection, kind: k === kind ? null : k })}
            aria-current={k === kind ? 'page' : undefined}
            className={cn(
              'rounded-md px-3 py-2 text-sm ring-1 ring-inset',
              k === kind ? 'bg-accent-50 text-accent-800 ring-accent-200' : 'bg-white text-slate-700 ring-slate-200 hover:bg-slate-50',
            )}
          >
            {DRIFT_KIND_LABELS[k]} <span className="ml-1 font-semibold tabular-nums">{report.counts[k].toLocaleString('en-US')}</span>
          </Link>
        ))}
      </nav>

      {chosen && !chosen.scannedAt && (
        <div className="mb-4">
          <Alert tone="info">{chosen.name} has not been scanned yet: its drift is judged after its first completed scan.</Alert>
        </div>
      )}
      {!connection && unscanned.length > 0 && (
        <p className="mb-4 text-sm text-slate-600">Not scanned yet, so not judged: {unscanned.map((c) => c.name).join(', ')}.</p>
      )}

      <DriftTable
        items={report.items}
        fix={fixDriftAction}
        pager={
          <Pager
            summary={`${total.toLocaleString('en-US')} ${total === 1 ? 'finding' : 'findings'}${connection && chosen ? ` on ${chosen.name}` : ''}`}
            firstHref={first(params.cursor) ? hrefOf({ connection, kind }) : undefined}
            nextHref={report.nextCursor ? hrefOf({ connection, kind, cursor: report.nextCursor }) : undefined}
          />
        }
      />
    </>
  );
}
