// The Rotation area's table: one row per secret with what a team lead scans for (where
// it is, who owns it, when it is due or when its grace ends, how it rotates, and how its
// latest rotation went). Used by every tab and by the calendar's day list.
import { DayAndAge } from '@/components/day-and-age';
import { NextDue } from '@/components/inventory/due';
import { ExpiryBadge, ExpiryDate } from '@/components/inventory/expiry';
import { secretIdentityColumns } from '@/components/inventory/secret-cells';
import { RUN_STATE_LABELS, RUN_STATE_TONES, STRATEGY_SHORT_LABELS } from '@/components/inventory/labels';
import { Badge } from '@/components/ui/badge';
import { type Column, DataTable } from '@/components/ui/data-table';
import type { RotationListItem } from '@/lib/data/rotation-views';
import type { RotationBucket } from '@/lib/validation/rotation-list';

/** Which time the "when" column shows. */
export type WhenColumn = 'due' | 'expires' | 'grace' | 'started' | 'failed';

export function whenColumnFor(bucket: RotationBucket): WhenColumn {
  return bucket === 'in_grace' ? 'grace' : bucket === 'in_progress' ? 'started' : bucket === 'failed' ? 'failed' : 'due';
}

const WHEN_HEADERS: Record<WhenColumn, string> = {
  due: 'Next due',
  expires: 'Expires',
  grace: 'Grace ends',
  started: 'Started',
  failed: 'Failed',
};

function When({ item, column, now }: { item: RotationListItem; column: WhenColumn; now: number }) {
  if (column === 'due') {
    return (
      <>
        <NextDue nextDueAt={item.nextDueAt} now={now} stacked />
        {item.expiresAt && <ExpiryBadge expiresAt={item.expiresAt} now={now} />}
      </>
    );
  }
  if (column === 'expires') return item.expiresAt ? <ExpiryDate expiresAt={item.expiresAt} now={now} /> : <span className="text-slate-500">—</span>;
  const iso =
    column === 'grace' ? item.lastRun?.graceEndsAt : column === 'started' ? item.lastRun?.startedAt : (item.lastRun?.finishedAt ?? item.lastRun?.updatedAt);
  return <DayAndAge iso={iso ?? null} now={now} />;
}

function LastRun({ run }: { run: RotationListItem['lastRun'] }) {
  if (!run) return <span className="text-slate-500">No runs</span>;
  return (
    <>
      <Badge tone={RUN_STATE_TONES[run.state]}>{RUN_STATE_LABELS[run.state]}</Badge>
      {run.state === 'failed' && run.failureMessage && <span className="mt-1 block text-xs break-words text-red-800">{run.failureMessage}</span>}
    </>
  );
}

function rotationColumns(when: WhenColumn, now: number): Column<RotationListItem>[] {
  const nextDue: Column<RotationListItem> = {
    header: 'Next due',
    headerClassName: 'whitespace-nowrap',
    cell: (s) => <NextDue nextDueAt={s.nextDueAt} now={now} stacked />,
  };
  return [
    ...secretIdentityColumns<RotationListItem>(),
    { header: WHEN_HEADERS[when], headerClassName: 'whitespace-nowrap', cell: (s) => <When item={s} column={when} now={now} /> },
    ...(when !== 'due' ? [nextDue] : []),
    {
      header: 'Strategy',
      className: 'whitespace-nowrap',
      cell: (s) => (
        <>
          {STRATEGY_SHORT_LABELS[s.strategy]}
          {s.autoRotate && <span className="block text-xs text-slate-500">automatic</span>}
        </>
      ),
    },
    {
      header: 'Last rotation',
      headerClassName: 'whitespace-nowrap',
      className: 'min-w-36 max-w-72',
      cell: (s) => <LastRun run={s.lastRun} />,
    },
  ];
}

export function RotationTable({ items, when, now, caption }: { items: RotationListItem[]; when: WhenColumn; now: number; caption: string }) {
  return <DataTable caption={caption} items={items} itemKey={(s) => s.id} columns={rotationColumns(when, now)} />;
}
