// "Next due" as the inventory shows it: a day, how far away it is, and red when overdue.
import { cn } from '@/components/ui/cn';
import { formatDay, relativeDays } from '@/components/format';
import { DUE_SOON_DAYS } from '@/lib/validation/due-soon';

export type DueState = 'overdue' | 'soon' | 'ok' | 'none';

export function dueState(nextDueAt: string | null, now = Date.now()): DueState {
  if (!nextDueAt) return 'none';
  const due = new Date(nextDueAt).getTime();
  if (due < now) return 'overdue';
  return due < now + DUE_SOON_DAYS * 86_400_000 ? 'soon' : 'ok';
}

function overdueBy(iso: string, now: number): string {
  const days = Math.floor((now - new Date(iso).getTime()) / 86_400_000);
  return days < 1 ? 'overdue since today' : `${days} day${days === 1 ? '' : 's'} overdue`;
}

/** The due day and its distance; `stacked` puts the distance on its own line (tables). */
/** `now` comes from the page (the app clock), so every row of a table is judged at the same instant. */
export function NextDue({ nextDueAt, now, stacked = false }: { nextDueAt: string | null; now: number; stacked?: boolean }) {
  const state = dueState(nextDueAt, now);
  if (state === 'none') return <span className="text-slate-500">No policy</span>;
  const relative = relativeDays(nextDueAt, now);
  return (
    <span className={cn('whitespace-nowrap', state === 'overdue' && 'text-red-700')}>
      <time dateTime={nextDueAt!} className={state === 'overdue' ? 'font-medium' : undefined}>
        {formatDay(nextDueAt)}
      </time>
      {stacked ? null : ' '}
      <span className={cn('text-xs', stacked && 'block', state === 'overdue' ? 'font-medium' : state === 'soon' ? 'text-amber-800' : 'text-slate-500')}>
        {state === 'overdue' ? overdueBy(nextDueAt!, now) : relative}
      </span>
    </span>
  );
}
