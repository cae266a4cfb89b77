// The Orphans report's table: the secret's identity columns, then the evidence its section
// rests on (last read and where that date comes from, the silent system, the undeclared
// reader), and "Suggest decommission" where the data layer offers it.
import Link from 'next/link';
import { DayAndAge } from '@/components/day-and-age';
import { formatDay } from '@/components/format';
import { secretIdentityColumns } from '@/components/inventory/secret-cells';
import { Badge } from '@/components/ui/badge';
import { type Column, DataTable } from '@/components/ui/data-table';
import type { OrphanItem, ReadEvidence } from '@/lib/data/orphans';
import { decommissionHref, type OrphanSection } from '@/lib/validation/orphans';
import { NO_DATA_REASONS } from './labels';

function LastRead({ read, now }: { read: ReadEvidence; now: number }) {
  if (!read.hasAccessData) {
    return (
      <>
        <span className="text-slate-700">No access data</span>
        {read.logs !== 'ok' && <span className="block max-w-56 text-xs text-slate-500">{NO_DATA_REASONS[read.logs]}</span>}
      </>
    );
  }
  if (!read.lastReadAt) {
    return (
      <>
        <span className="font-medium whitespace-nowrap text-red-800">Never read</span>
        <span className="block text-xs whitespace-nowrap text-slate-500">no read logged</span>
      </>
    );
  }
  const fromProvider = read.providerLastReadAt === read.lastReadAt && read.logsLastReadAt !== read.lastReadAt;
  return (
    <>
      <DayAndAge iso={read.lastReadAt} now={now} />
      <span className="block text-xs text-slate-500">{fromProvider ? "provider's last-accessed date" : 'access logs'}</span>
    </>
  );
}

function Suggestion({ item }: { item: OrphanItem }) {
  if (!item.suggestion) return null;
  return (
    <Link href={decommissionHref(item.id, item.suggestion)} prefetch={false} className="text-sm font-medium whitespace-nowrap text-red-800 hover:underline">
      Suggest decommission<span className="sr-only"> of {item.name}</span>
    </Link>
  );
}

function columnsFor(section: OrphanSection, now: number, withActions: boolean): Column<OrphanItem>[] {
  const lastRead: Column<OrphanItem> = {
    header: 'Last read',
    headerClassName: 'whitespace-nowrap',
    cell: (s) => <LastRead read={s.read} now={now} />,
  };
  const actions: Column<OrphanItem>[] = withActions
    ? [{ header: <span className="sr-only">Actions</span>, className: 'text-right', cell: (s) => <Suggestion item={s} /> }]
    : [];
  switch (section) {
    case 'unconsumed':
      return [...secretIdentityColumns<OrphanItem>(), lastRead, ...actions];
    case 'unread':
      return [
        ...secretIdentityColumns<OrphanItem>(),
        lastRead,
        { header: 'Consumers', numeric: true, cell: (s) => (s.consumerCount === 0 ? <span className="text-slate-500">None</span> : s.consumerCount) },
        ...actions,
      ];
    case 'silent':
      return [
        ...secretIdentityColumns<OrphanItem>(),
        {
          header: 'Declared consumer',
          className: 'min-w-40 max-w-72 break-words',
          cell: (s) =>
            s.system && (
              <>
                <Link href={`/systems/${s.system.id}`} prefetch={false} className="text-accent-700 hover:underline">
                  {s.system.name}
                </Link>
                {s.system.decommissioned && <Badge className="ml-2">Decommissioned</Badge>}
                <span className="block text-xs text-slate-500">
                  {s.system.principals.length ? `Reads as ${s.system.principals.join(', ')}` : 'Matched by its name (no identities listed)'}
                </span>
              </>
            ),
        },
        { ...lastRead, header: 'Secret last read (anyone)' },
      ];
    case 'undeclared':
      return [
        ...secretIdentityColumns<OrphanItem>(),
        {
          header: 'Reader',
          className: 'min-w-48 max-w-80',
          cell: (s) =>
            s.reader && (
              <>
                <code className="font-mono text-[13px] break-all text-slate-900">{s.reader.principal || '(no principal logged)'}</code>
                {s.reader.principalType && <span className="block text-xs text-slate-500">{s.reader.principalType}</span>}
              </>
            ),
        },
        { header: 'Reads', numeric: true, cell: (s) => s.reader?.reads.toLocaleString('en-US') },
        {
          header: 'Last read',
          headerClassName: 'whitespace-nowrap',
          cell: (s) =>
            s.reader && (
              <>
                <DayAndAge iso={s.reader.lastReadAt} now={now} />
                <span className="block text-xs whitespace-nowrap text-slate-500">first {formatDay(s.reader.firstReadAt)}</span>
              </>
            ),
        },
      ];
  }
}

export function OrphanTable({ items, section, now, caption }: { items: OrphanItem[]; section: OrphanSection; now: number; caption: string }) {
  const withActions = items.some((s) => s.suggestion);
  const key = (s: OrphanItem) => `${s.id}:${s.system?.id ?? ''}:${s.reader?.principal ?? ''}`;
  return <DataTable caption={caption} items={items} itemKey={key} columns={columnsFor(section, now, withActions)} />;
}
