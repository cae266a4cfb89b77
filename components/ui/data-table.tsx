// One list table for every list page: a caption for screen readers, column headers that
// may be sort links, numeric columns right-aligned, and the empty state instead of an
// empty table. Pages describe columns; the markup (and so what tests find) is the same
// everywhere.
import Link from 'next/link';
import { cn } from './cn';
import { Table, Td, Th, Tr } from './table';

export type SortState = 'ascending' | 'descending' | undefined;

/** What a header or pager links with: next/link by default. */
export type LinkComponent = React.ComponentType<{ href: string; className?: string; children: React.ReactNode }>;

export type Column<T> = {
  header: React.ReactNode;
  /** Right-aligned tabular numbers. */
  numeric?: boolean;
  /** A sortable column: where its header links to, and whether the list is sorted by it now. */
  sort?: { href: string; state: SortState };
  /** Classes for this column's header cell. */
  headerClassName?: string;
  /** The header's tooltip (e.g. what an abbreviated header counts). */
  title?: string;
  /** Classes for this column's body cells. */
  className?: string;
  cell: (item: T) => React.ReactNode;
};

function SortLink({ href, state, as: As, children }: { href: string; state: SortState; as: LinkComponent; children: React.ReactNode }) {
  return (
    <As href={href} className="inline-flex items-center gap-1 hover:text-slate-900">
      {children}
      <span aria-hidden className={cn('text-[10px]', state ? 'text-slate-700' : 'text-slate-400')}>
        {state === 'descending' ? '▼' : '▲'}
      </span>
    </As>
  );
}

export function DataTable<T>({
  caption,
  columns,
  items,
  itemKey,
  empty,
  pager,
  sortLink = Link,
}: {
  caption: string;
  columns: Column<T>[];
  items: T[];
  itemKey: (item: T) => string;
  /** Shown instead of the table when there are no items. */
  empty?: React.ReactNode;
  /** Under the table (the keyset pager). */
  pager?: React.ReactNode;
  /** The sort headers' link: a list rendered in the browser passes one that only changes the URL. */
  sortLink?: LinkComponent;
}) {
  if (items.length === 0 && empty !== undefined) return <>{empty}</>;
  return (
    <>
      <Table caption={caption}>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <Th key={i} aria-sort={column.sort?.state} title={column.title} className={cn(column.numeric && 'text-right', column.headerClassName)}>
                {column.sort ? (
                  <SortLink href={column.sort.href} state={column.sort.state} as={sortLink}>
                    {column.header}
                  </SortLink>
                ) : (
                  column.header
                )}
              </Th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((item) => (
            <Tr key={itemKey(item)}>
              {columns.map((column, i) => (
                <Td key={i} className={cn(column.numeric && 'text-right tabular-nums', column.className)}>
                  {column.cell(item)}
                </Td>
              ))}
            </Tr>
          ))}
        </tbody>
      </Table>
      {pager}
    </>
  );
}
