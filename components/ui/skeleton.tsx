// Placeholders shown while a dashboard page waits on its data (the segments' loading.tsx).
// Grey blocks in the shape of what is coming, so the page does not jump when it arrives;
// the pulse stops for people who ask for reduced motion. One live region names what is
// loading for screen readers; the blocks themselves are hidden from them.
import { cn } from './cn';

/** One grey block; size it with className. */
export function Skeleton({ className }: { className?: string }) {
  return <div className={cn('rounded bg-slate-200/70 motion-safe:animate-pulse', className)} />;
}

/** `count` blocks alike: a row of buttons or tabs. */
function Blocks({ count, className }: { count: number; className: string }) {
  return Array.from({ length: count }, (_, i) => <Skeleton key={i} className={className} />);
}

/** The frame of every loading page: a labelled, busy status region around the blocks. */
export function LoadingPage({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div role="status" aria-live="polite" aria-busy="true" aria-label={label}>
      <span className="sr-only">{label}</span>
      <div aria-hidden="true">{children}</div>
    </div>
  );
}

/** Where PageHeader goes: a title, a line of description and, optionally, action buttons. */
export function HeaderSkeleton({ actions = 0 }: { actions?: number }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="space-y-2">
        <Skeleton className="h-7 w-48" />
        <Skeleton className="h-4 w-80 max-w-full" />
      </div>
      {actions > 0 && (
        <div className="flex gap-2">
          <Blocks count={actions} className="h-9 w-28 rounded-md" />
        </div>
      )}
    </div>
  );
}

/** A filter bar: a row of labelled fields in a card. */
export function FiltersSkeleton({ fields = 4 }: { fields?: number }) {
  return (
    <div className="mb-6 grid gap-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 xl:grid-cols-4">
      {Array.from({ length: fields }, (_, i) => (
        <div key={i} className="space-y-2">
          <Skeleton className="h-3 w-20" />
          <Skeleton className="h-9 w-full rounded-md" />
        </div>
      ))}
    </div>
  );
}

/** A row of tabs under a line, like the secret and rotation tabs. */
export function TabsSkeleton({ tabs = 4 }: { tabs?: number }) {
  return (
    <div className="mb-6 flex gap-4 border-b border-slate-200 pb-2">
      <Blocks count={tabs} className="h-5 w-24" />
    </div>
  );
}

// Cell widths cycle so the rows look like text, not a grid of equal bars.
const WIDTHS = ['w-3/4', 'w-1/2', 'w-2/3', 'w-1/3', 'w-5/6', 'w-2/5'];

/** A table in the Table primitive's frame: a header row and `rows` rows of `columns` cells. */
export function TableSkeleton({ rows = 8, columns = 5 }: { rows?: number; columns?: number }) {
  const cols = Array.from({ length: columns }, (_, c) => c);
  return (
    <div className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <div className="flex gap-6 bg-slate-50 px-3 py-3">
        {cols.map((c) => (
          <div key={c} className="flex-1">
            <Skeleton className="h-3 w-16" />
          </div>
        ))}
      </div>
      <div className="divide-y divide-slate-100">
        {Array.from({ length: rows }, (_, r) => (
          <div key={r} className="flex gap-6 px-3 py-3.5">
            {cols.map((c) => (
              <div key={c} className="flex-1">
                <Skeleton className={cn('h-4', WIDTHS[(r + c * 2) % WIDTHS.length])} />
              </div>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

/** A Card: a title strip and a few lines of content. */
export function CardSkeleton({ lines = 3, className }: { lines?: number; className?: string }) {
  return (
    <div className={cn('rounded-lg bg-white shadow-sm ring-1 ring-slate-200', className)}>
      <div className="border-b border-slate-200 px-5 py-3.5">
        <Skeleton className="h-4 w-32" />
      </div>
      <div className="space-y-3 p-5">
        {Array.from({ length: lines }, (_, i) => (
          <Skeleton key={i} className={cn('h-4', WIDTHS[i % WIDTHS.length])} />
        ))}
      </div>
    </div>
  );
}

/** A list page (inventory, rotation, audit): header, filters, optionally tabs, and the table. */
export function ListPageSkeleton({
  label,
  actions,
  filters,
  tabs,
  rows,
  columns,
}: {
  label: string;
  actions: number;
  filters: number;
  tabs?: number;
  rows: number;
  columns: number;
}) {
  return (
    <LoadingPage label={label}>
      <HeaderSkeleton actions={actions} />
      <FiltersSkeleton fields={filters} />
      {tabs !== undefined && <TabsSkeleton tabs={tabs} />}
      <TableSkeleton rows={rows} columns={columns} />
    </LoadingPage>
  );
}
