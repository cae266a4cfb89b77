// Plain, scannable tables: sticky header, zebra-free rows with hover, numeric columns right-aligned.
// Cells use the short `ui-cell` class (app/globals.css): a 50-row page repeats it hundreds
// of times in both the HTML and the RSC payload.
import { cn } from './cn';

export function Table({ children, caption }: { children: React.ReactNode; caption?: string }) {
  // relative: screen-reader-only text in cells is absolutely positioned and would otherwise
  // escape the scroll box and widen the whole page. A table wider than the screen scrolls
  // inside this box, so keyboard users must be able to focus it to scroll (WCAG 2.1.1).
  // Unnamed on purpose: the table inside is named by its caption, and a label here would
  // answer for it too (a second match for getByLabel and for screen readers).
  return (
    <div tabIndex={0} className="relative overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        {caption && <caption className="sr-only">{caption}</caption>}
        {children}
      </table>
    </div>
  );
}

export function Th({ children, className, ...props }: React.ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th scope="col" className={cn('bg-slate-50 px-3 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-600', className)} {...props}>
      {children}
    </th>
  );
}

/** A header cell: its text, or its content with the cell's classes (e.g. right-aligned numbers). */
export type Heading = string | { label: React.ReactNode; className?: string };

/** The header row of a table whose columns are fixed: one Th per heading, in order. */
export function TableHead({ headings }: { headings: Heading[] }) {
  return (
    <thead>
      <tr>
        {headings.map((heading, i) =>
          typeof heading === 'string' ? (
            <Th key={i}>{heading}</Th>
          ) : (
            <Th key={i} className={heading.className}>
              {heading.label}
            </Th>
          ),
        )}
      </tr>
    </thead>
  );
}

/** An actions column's heading: named for screen readers only. */
export const ACTIONS_HEADING: Heading = { label: <span className="sr-only">Actions</span>, className: 'text-right' };

export function Td({ children, className, ...props }: React.TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td className={cn('ui-cell', className)} {...props}>
      {children}
    </td>
  );
}

export function Tr({ children, className }: { children: React.ReactNode; className?: string }) {
  return <tr className={cn('hover:bg-slate-50', className)}>{children}</tr>;
}
