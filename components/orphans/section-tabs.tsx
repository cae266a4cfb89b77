// The Orphans sections as tabs (one link each, with its count) and the window choice
// (30/60/90/180 days) as links: both live in the URL, so every view is a shareable link.
import Link from 'next/link';
import { cn } from '@/components/ui/cn';
import type { OrphanCounts } from '@/lib/data/orphans';
import { ORPHAN_SECTIONS, ORPHAN_WINDOWS, type OrphanSection } from '@/lib/validation/orphans';
import { SECTION_LABELS } from './labels';

const number = new Intl.NumberFormat('en-US');

export function SectionTabs({ current, counts, hrefFor }: { current: OrphanSection; counts: OrphanCounts; hrefFor: (section: OrphanSection) => string }) {
  return (
    <nav aria-label="Orphans sections" className="mb-4 border-b border-slate-200">
      <ul className="-mb-px flex flex-wrap gap-x-1">
        {ORPHAN_SECTIONS.map((section) => {
          const active = section === current;
          return (
            <li key={section}>
              <Link
                href={hrefFor(section)}
                aria-current={active ? 'page' : undefined}
                className={cn(
                  'inline-flex items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium',
                  active ? 'border-accent-600 text-slate-900' : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900',
                )}
              >
                {SECTION_LABELS[section]}
                {counts[section] !== null && (
                  <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold tabular-nums text-slate-700">
                    {number.format(counts[section])}
                  </span>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function WindowChoice({ current, hrefFor }: { current: number; hrefFor: (days: number) => string }) {
  return (
    <nav aria-label="Access history window" className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
      <span>Access window</span>
      <ul className="inline-flex overflow-hidden rounded-md border border-slate-300">
        {ORPHAN_WINDOWS.map((days) => (
          <li key={days} className="border-l border-slate-300 first:border-l-0">
            <Link
              href={hrefFor(days)}
              aria-current={days === current ? 'true' : undefined}
              className={cn('block px-3 py-1.5 font-medium', days === current ? 'bg-slate-900 text-white' : 'bg-white text-slate-700 hover:bg-slate-50')}
            >
              {days} days
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
