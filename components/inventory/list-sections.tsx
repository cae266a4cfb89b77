'use client';
// The parts of the Inventory page that show the current view (list-view.tsx): the export
// link, the rotation summary with its quick filters, the filter form's clear link, and
// the results (table and pager, or why there are none). The page's server-rendered rest
// (header, filter fields) stays as it is when the view changes.
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { buttonClass } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterActions } from '@/components/ui/filter-bar';
import { Pager } from '@/components/ui/pager';
import { ListLink } from '@/components/ui/list-link';
import { useSecretListView } from './list-view';
import { RotationHealth } from './rotation-health';
import { SecretTable } from './secret-table';
import { SystemCombobox, UNKNOWN_SYSTEM, type SystemOption, type SystemSearch } from './system-combobox';

const number = new Intl.NumberFormat('en-US');

/** The CSV export of the view, while it has rows. A route streaming a file: a plain link. */
export function ExportLink() {
  const { view } = useSecretListView();
  if (view.page.total === 0) return null;
  return (
    <a href={view.links.export} className={buttonClass('secondary')}>
      Export CSV
    </a>
  );
}

/** Clear (while filtered) and apply, at the end of the filter form. */
export function ListFilterActions({ className }: { className: string }) {
  const { links } = useSecretListView().view;
  return <FilterActions filtered={links.filtered} clearHref={links.clear} className={className} />;
}

/**
 * The consuming-system filter, following the URL: after back or forward it shows the
 * URL's system, not the one last picked. Each new URL starts a new picker, named by the
 * view fetched for it, or by the person's own pick before that view is in (so applying a
 * pick never flickers); a URL whose system is not named yet gets a new picker again once
 * its view names it.
 */
export function ListSystemFilter({ searchSystems }: { searchSystems: SystemSearch }) {
  const search = useSearchParams();
  const urlSystem = search.get('system');
  const viewSystem = useSecretListView().view.chosenSystem;
  const [picked, setPicked] = useState<SystemOption | null>(null);
  const named =
    viewSystem && viewSystem.id === urlSystem ? { id: viewSystem.id, name: viewSystem.name ?? UNKNOWN_SYSTEM } : picked?.id === urlSystem ? picked : null;
  return (
    <SystemCombobox
      key={`${search.toString()}|${Boolean(named)}`}
      name="system"
      label="Consuming system"
      initial={urlSystem ? (named ?? { id: urlSystem, name: '' }) : null}
      search={searchSystems}
      onSelect={setPicked}
    />
  );
}

export function HealthPanel() {
  const { page, links } = useSecretListView().view;
  const { total, summary } = page;
  if (total === 0) return null;
  const chips = [
    { ...links.due.overdue, key: 'overdue', label: 'Overdue', count: summary.overdue, urgent: true },
    { ...links.due.soon, key: 'soon', label: 'Due soon', count: summary.dueSoon, urgent: false },
    { ...links.due.never, key: 'never', label: 'Never rotated', count: summary.neverRotated, urgent: false },
  ];
  return (
    <section
      aria-label="Rotation summary"
      className="mb-6 flex flex-col gap-6 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200 lg:flex-row lg:items-center"
    >
      <div className="shrink-0 lg:w-40">
        <p className="text-3xl font-semibold tabular-nums tracking-tight text-slate-900">{number.format(total)}</p>
        <p className="text-sm text-slate-600">{total === 1 ? 'secret' : 'secrets'} in this view</p>
      </div>
      <RotationHealth total={total} overdue={summary.overdue} dueSoon={summary.dueSoon} noPolicy={summary.noPolicy} />
      <nav aria-label="Quick filters" className="shrink-0">
        <ul className="flex flex-wrap gap-2 lg:flex-col">
          {chips.map((chip) => (
            <li key={chip.key}>
              <ListLink
                href={chip.href}
                aria-current={chip.applied ? 'true' : undefined}
                className={cn(
                  'inline-flex w-full items-center justify-between gap-3 rounded-full px-3 py-1 text-sm ring-1 ring-inset',
                  chip.applied
                    ? 'bg-slate-900 text-white ring-slate-900'
                    : chip.urgent && chip.count > 0
                      ? 'bg-red-50 text-red-800 ring-red-200 hover:bg-red-100'
                      : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50',
                )}
              >
                <span>{chip.label}</span>
                <span className="font-semibold tabular-nums">{number.format(chip.count)}</span>
                {chip.applied && <span className="sr-only">(applied; select to remove this filter)</span>}
              </ListLink>
            </li>
          ))}
        </ul>
      </nav>
    </section>
  );
}

/** A button-styled link to another view of the list. */
function ListButton({ variant = 'secondary', ...props }: { href: string; variant?: Parameters<typeof buttonClass>[0]; children: React.ReactNode }) {
  return <ListLink className={buttonClass(variant)} {...props} />;
}

/** The table and pager, or why there are no rows; busy while the next view loads. */
export function ListResults() {
  const { view, loading } = useSecretListView();
  const { page, links, now } = view;
  return (
    <div aria-busy={loading || undefined}>
      {page.total === 0 ? (
        <EmptyState
          title="No secrets match these filters"
          action={
            <ListButton href={links.clear} variant="primary">
              Clear filters
            </ListButton>
          }
        >
          {!links.filtered ? (
            <p>
              Every secret in the inventory is decommissioned, and decommissioned secrets are hidden by default.{' '}
              <ListLink className="font-medium text-accent-700 underline" href={links.withDecommissioned}>
                Show them
              </ListLink>
              .
            </p>
          ) : (
            <p>Try a broader search, or remove a filter. Decommissioned secrets only appear when Status is set to include them.</p>
          )}
        </EmptyState>
      ) : page.items.length === 0 ? (
        <EmptyState title="This page is past the end of the list" action={<ListButton href={links.first}>First page</ListButton>}>
          <p>The list changed since this link was made.</p>
        </EmptyState>
      ) : (
        <>
          <SecretTable items={page.items} links={links} now={now} />
          <Pager
            summary={`Showing ${number.format(page.items.length)} of ${number.format(page.total)}${links.laterPage ? ' (a later page)' : ''}`}
            firstHref={links.laterPage ? links.first : undefined}
            nextHref={links.next ?? undefined}
            link={ListLink}
          />
        </>
      )}
    </div>
  );
}
