'use client';
// The tabs under a secret's heading: its inventory record, its Secrets Management tab
// (values and versions), its rotations and who reads it (access history). A client
// component because the shared layout does not know which tab's page is showing; the
// selected segment does.
import Link from 'next/link';
import { useSelectedLayoutSegment } from 'next/navigation';
import { cn } from '@/components/ui/cn';

const TABS = [
  { key: null, label: 'Overview', suffix: '' },
  { key: 'manage', label: 'Secrets Management', suffix: '/manage' },
  { key: 'rotation', label: 'Rotation', suffix: '/rotation' },
  { key: 'access', label: 'Access', suffix: '/access' },
] as const;

export function SecretTabs({ secretId }: { secretId: string }) {
  const active = useSelectedLayoutSegment();
  return (
    <nav aria-label="Secret sections" className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex gap-6 text-sm">
        {TABS.map((tab) => (
          <li key={tab.suffix}>
            <Link
              href={`/inventory/${secretId}${tab.suffix}`}
              aria-current={tab.key === active ? 'page' : undefined}
              className={cn(
                'inline-block border-b-2 px-1 pb-2.5 font-medium',
                tab.key === active ? 'border-accent-600 text-accent-700' : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900',
              )}
            >
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
