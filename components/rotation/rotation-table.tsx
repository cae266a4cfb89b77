// The Rotation area's table: one row per secret with what a team lead scans for (where
// it is, who owns it, when it is due or when its grace ends, how it rotates, and how its
// latest rotation went). Used by every tab and by the calendar's day list.
import { SecretIdentityCells } from '@/components/inventory/secret-cells';
import { formatDateTime, formatDay, relativeDays } from '@/components/format';
import { NextDue } from '@/components/inventory/due';
import { RUN_STATE_LABELS, RUN_STATE_TONES, STRATEGY_SHORT_LABELS } from '@/components/inventory/labels';
import { Badge } from '@/components/ui/badge';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import type { RotationListItem } from '@/lib/data/rotation-views';
import type { RotationBucket } from '@/lib/validation/rotation-list';

/** Which time the "when" column shows. */
export type WhenColumn = 'due' | 'grace' | 'started' | 'failed';

export function whenColumnFor(bucket: RotationBucket): WhenColumn {
  return bucket === 'in_grace' ? 'grace' : bucket === 'in_progress' ? 'started' : bucket === 'failed' ? 'failed' : 'due';
}

const WHEN_HEADERS: Record<WhenColumn, string> = {
  due: 'Next due',
  grace: 'Grace ends',
  started: 'Started',
  failed: 'Failed',
};

function When({ item, column, now }: { item: RotationListItem; column: WhenColumn; now: number }) {
  if (column === 'due') return <NextDue nextDueAt={item.nextDueAt} now={now} stacked />;
  const iso =
    column === 'grace'
      ? item.lastRun?.graceEndsAt
      : column === 'started'
        ? item.lastRun?.startedAt
        : (item.lastRun?.finishedAt ?? item.lastRun?.updatedAt);
  if (!iso) return <span className="text-slate-500">—</span>;
  return (
    <span className="whitespace-nowrap">
      <time dateTime={iso} title={formatDateTime(iso)}>
        {formatDay(iso)}
      </time>
      <span className="block text-xs text-slate-500">{relativeDays(iso, now)}</span>
    </span>
  );
}

export function RotationTable({
  items,
  when,
  now,
  caption,
}: {
  items: RotationListItem[];
  when: WhenColumn;
  now: number;
  caption: string;
}) {
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>Name</Th>
          <Th className="whitespace-nowrap">Environment</Th>
          <Th className="whitespace-nowrap">Owner team</Th>
          <Th>Classification</Th>
          <Th className="whitespace-nowrap">{WHEN_HEADERS[when]}</Th>
          {when !== 'due' && <Th className="whitespace-nowrap">Next due</Th>}
          <Th>Strategy</Th>
          <Th className="whitespace-nowrap">Last rotation</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {items.map((s) => (
          <Tr key={s.id}>
            <SecretIdentityCells secret={s} />
            <Td>
              <When item={s} column={when} now={now} />
            </Td>
            {when !== 'due' && (
              <Td>
                <NextDue nextDueAt={s.nextDueAt} now={now} stacked />
              </Td>
            )}
            <Td className="whitespace-nowrap">
              {STRATEGY_SHORT_LABELS[s.strategy]}
              {s.autoRotate && <span className="block text-xs text-slate-500">automatic</span>}
            </Td>
            <Td className="min-w-36 max-w-72">
              {s.lastRun ? (
                <>
                  <Badge tone={RUN_STATE_TONES[s.lastRun.state]}>{RUN_STATE_LABELS[s.lastRun.state]}</Badge>
                  {s.lastRun.state === 'failed' && s.lastRun.failureMessage && (
                    <span className="mt-1 block text-xs break-words text-red-800">{s.lastRun.failureMessage}</span>
                  )}
                </>
              ) : (
                <span className="text-slate-500">No runs</span>
              )}
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
