// Columns of the Teams and Systems lists: the name over the first line of the description,
// and counts that link to the list they count.
import Link from 'next/link';
import { CountLink } from '@/components/catalog/list-parts';
import { cn } from './cn';
import type { Column } from './data-table';

export function nameColumn<T extends { id: string; name: string; description: string }>(
  header: string,
  pageOf: (item: T) => string,
  /** How wide the description line may grow before it is cut. */
  descriptionWidth: 'max-w-xl' | 'max-w-2xl',
): Column<T> {
  return {
    header,
    cell: (item) => (
      <>
        <Link href={pageOf(item)} className="font-medium text-accent-700 hover:underline">
          {item.name}
        </Link>
        {item.description && <p className={cn('mt-0.5 line-clamp-1 text-slate-600', descriptionWidth)}>{item.description}</p>}
      </>
    ),
  };
}

/** A count linking to the list it counts, labelled "<header> by <name>", e.g. "Secrets owned by Payments". */
export function countColumn<T extends { name: string }>(header: string, countOf: (item: T) => { count: number; href: string }): Column<T> {
  return {
    header,
    numeric: true,
    cell: (item) => <CountLink {...countOf(item)} label={`${header} by ${item.name}`} />,
  };
}
