// A day in a table cell, with how long ago (or how far ahead) it is under it and the full
// time on hover: how the lists show last rotated, last read, first seen and the like.
import { formatDateTime, formatDay, relativeDays } from './format';

export function DayAndAge({ iso, now, empty = '—' }: { iso: string | null; now?: number; empty?: string }) {
  if (!iso) return <span className="text-slate-500">{empty}</span>;
  return (
    <span className="whitespace-nowrap">
      <time dateTime={iso} title={formatDateTime(iso)}>
        {formatDay(iso)}
      </time>
      <span className="block text-xs text-slate-500">{relativeDays(iso, now)}</span>
    </span>
  );
}
