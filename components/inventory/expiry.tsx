// A credential's expiry as the inventory shows it: a badge beside the due date in lists,
// the day with its distance on the detail page; red once expired, amber when close.
import { formatDay, relativeDays } from '@/components/format';
import { Badge, type Tone } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { DUE_SOON_DAYS } from '@/lib/validation/due-soon';

export type ExpiryState = 'expired' | 'soon' | 'later';

export function expiryState(expiresAt: string, now: number): ExpiryState {
  const at = new Date(expiresAt).getTime();
  if (at <= now) return 'expired';
  return at < now + DUE_SOON_DAYS * 86_400_000 ? 'soon' : 'later';
}

const TONES: Record<ExpiryState, Tone> = { expired: 'red', soon: 'amber', later: 'neutral' };

/** "Expired", or "Expires <day>": for table cells beside the next-due date. */
export function ExpiryBadge({ expiresAt, now }: { expiresAt: string; now: number }) {
  const state = expiryState(expiresAt, now);
  return (
    <Badge tone={TONES[state]} className="mt-1 whitespace-nowrap">
      {state === 'expired' ? `Expired ${formatDay(expiresAt)}` : `Expires ${formatDay(expiresAt)}`}
    </Badge>
  );
}

/** The expiry day, how far away it is, and an "Expired" badge once past. */
export function ExpiryDate({ expiresAt, now }: { expiresAt: string; now: number }) {
  const state = expiryState(expiresAt, now);
  return (
    <span className={cn('inline-flex flex-wrap items-center gap-x-2 gap-y-1', state === 'expired' && 'text-red-700')}>
      <time dateTime={expiresAt} className={cn('whitespace-nowrap', state === 'expired' && 'font-medium')}>
        {formatDay(expiresAt)}
      </time>
      <span className={cn('text-xs', state === 'expired' ? 'font-medium' : state === 'soon' ? 'text-amber-800' : 'text-slate-500')}>
        {relativeDays(expiresAt, now)}
      </span>
      {state === 'expired' && <Badge tone="red">Expired</Badge>}
    </span>
  );
}
