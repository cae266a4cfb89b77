// A rotation run's timeline: its audit events oldest first (started, written, verified,
// promoted, consumers moved, held or extended, grace ended with the decision), each with
// who did it and a short summary.
import { formatDateTime } from '@/components/format';
import type { TimelineEvent } from '@/lib/data/rotation-adoption';
import { cn } from '@/components/ui/cn';

export function RunTimeline({ events, label }: { events: TimelineEvent[]; label: string }) {
  if (!events.length) return <p className="text-sm text-slate-600">No events recorded for this rotation.</p>;
  return (
    <ol aria-label={label} className="space-y-2 border-l border-slate-200 pl-4 text-sm">
      {events.map((e) => (
        <li key={e.id} className="relative">
          <span
            aria-hidden
            className={cn('absolute -left-[21px] top-1.5 size-2.5 rounded-full ring-2 ring-white', e.outcome === 'success' ? 'bg-slate-400' : 'bg-red-500')}
          />
          <p className="text-slate-900">
            <span className="font-medium">{e.label}</span>
            <span className="text-xs text-slate-500">
              {' '}
              · {formatDateTime(e.occurredAt)} · {e.actor}
            </span>
          </p>
          {e.summary || e.until ? (
            <p className="text-xs text-slate-600">
              {e.summary}
              {e.until ? `${e.summary ? ' · ' : ''}now ends ${formatDateTime(e.until)}` : null}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
