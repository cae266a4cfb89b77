// List or calendar: two views of the same filtered secrets, each a link keeping the filters.
import Link from 'next/link';
import { cn } from '@/components/ui/cn';

export function ViewSwitch({ current, listHref, calendarHref }: { current: 'list' | 'calendar'; listHref: string; calendarHref: string }) {
  const item = (view: 'list' | 'calendar', href: string, label: string) => (
    <Link
      href={href}
      aria-current={current === view ? 'page' : undefined}
      className={cn(
        'rounded-md px-3 py-1.5 text-sm font-medium',
        current === view ? 'bg-slate-900 text-white' : 'text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50',
      )}
    >
      {label}
    </Link>
  );
  return (
    <nav aria-label="Rotation views" className="flex gap-2">
      {item('list', listHref, 'Lists')}
      {item('calendar', calendarHref, 'Calendar')}
    </nav>
  );
}
