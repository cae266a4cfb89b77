// The inventory's table of secrets, rendered on the server for a first load and in the
// browser for every later view (list-sections.tsx). Plain rendering through DataTable, no
// table library: a page is at most 100 rows with server-side sort and paging, so a
// headless table (@tanstack/react-table, ~15 kB gz) would add weight and no behaviour.
import { formatDay, relativeDays } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { type Column, DataTable } from '@/components/ui/data-table';
import type { SecretListItem } from '@/lib/data/secrets';
import type { SecretListLinks } from '@/lib/validation/secret-list';
import { NextDue } from './due';
import { ExpiryBadge } from './expiry';
import { ListLink } from '@/components/ui/list-link';
import { StatusBadge } from './secret-badges';
import { secretIdentityColumns } from './secret-cells';

export function SecretTable({ items, links, now }: { items: SecretListItem[]; links: SecretListLinks; now: number }) {
  const columns: Column<SecretListItem>[] = [
    ...secretIdentityColumns<SecretListItem>(links.sortByName),
    { header: 'Status', cell: (s) => <StatusBadge value={s.status} /> },
    {
      header: 'Last rotated',
      className: 'whitespace-nowrap',
      cell: (s) =>
        s.lastRotatedAt ? (
          <>
            <time dateTime={s.lastRotatedAt}>{formatDay(s.lastRotatedAt)}</time>
            <span className="block text-xs text-slate-500">{relativeDays(s.lastRotatedAt, now)}</span>
          </>
        ) : (
          <span className="text-slate-500">Never</span>
        ),
    },
    {
      header: 'Next due',
      sort: links.sortByDue,
      headerClassName: 'whitespace-nowrap',
      cell: (s) => (
        <>
          <NextDue nextDueAt={s.nextDueAt} now={now} stacked />
          {s.expiresAt && <ExpiryBadge expiresAt={s.expiresAt} now={now} />}
        </>
      ),
    },
    {
      header: 'Used by',
      numeric: true,
      headerClassName: 'whitespace-nowrap',
      title: 'Number of consuming systems',
      cell: (s) => (
        <>
          {s.consumerCount}
          <span className="sr-only">{s.consumerCount === 1 ? ' system' : ' systems'}</span>
        </>
      ),
    },
    { header: 'Tags', cell: (s) => <TagList tags={s.tags} /> },
  ];
  return <DataTable caption="Secrets in this view" items={items} itemKey={(s) => s.id} columns={columns} sortLink={ListLink} />;
}

function TagList({ tags }: { tags: string[] }) {
  if (!tags.length) return <span className="text-slate-400">—</span>;
  const shown = tags.slice(0, 2);
  return (
    <span className="flex flex-wrap gap-1">
      {shown.map((tag) => (
        <Badge key={tag}>{tag}</Badge>
      ))}
      {tags.length > shown.length && (
        <span className="text-xs text-slate-500" title={tags.slice(2).join(', ')}>
          +{tags.length - shown.length}
        </span>
      )}
    </span>
  );
}
