// The first columns of every secret table (inventory, rotation lists): the name linking
// to the secret, its environment, owner team and classification.
import Link from 'next/link';
import type { Column, SortState } from '@/components/ui/data-table';
import type { Classification } from '@/generated/prisma/enums';
import { ClassificationBadge } from './secret-badges';

type Identity = { id: string; name: string; environment: string; ownerTeam: { name: string }; classification: Classification };

/** The identity columns; `nameSort` makes the Name header a sort link. */
export function secretIdentityColumns<T extends Identity>(nameSort?: { href: string; state: SortState }): Column<T>[] {
  return [
    {
      header: 'Name',
      sort: nameSort,
      headerClassName: nameSort && 'whitespace-nowrap',
      className: 'min-w-44 max-w-80',
      cell: (secret) => (
        // Not prefetched: a page of rows would cost the server a render per row in view.
        <Link href={`/inventory/${secret.id}`} prefetch={false} className="font-medium break-words text-accent-700 hover:underline">
          {secret.name}
        </Link>
      ),
    },
    { header: 'Environment', headerClassName: 'whitespace-nowrap', className: 'whitespace-nowrap', cell: (s) => s.environment },
    {
      header: 'Owner team',
      headerClassName: 'whitespace-nowrap',
      className: 'min-w-32 max-w-48 break-words',
      cell: (s) => s.ownerTeam.name,
    },
    { header: 'Classification', cell: (s) => <ClassificationBadge value={s.classification} /> },
  ];
}
