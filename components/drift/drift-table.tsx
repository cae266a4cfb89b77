// The drift report's table: one row per finding, saying what each side says and what to do,
// with the fix button where the finding has one and the caller may use it.
import Link from 'next/link';
import { Badge, type Tone } from '@/components/ui/badge';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import type { DriftFinding } from '@/lib/data/drift';
import { DriftFixButton, type DriftFixInput } from './drift-fix-button';

type Fix = (input: DriftFixInput) => Promise<{ ok: true } | { ok: false; error: string }>;

const KIND_TONES: Record<DriftFinding['kind'], Tone> = {
  provider_missing: 'red',
  provider_deleted: 'red',
  rotation_mismatch: 'amber',
  last_rotated_mismatch: 'amber',
  tags_mismatch: 'neutral',
  out_of_band_version: 'violet',
};

export function DriftKindBadge({ finding }: { finding: Pick<DriftFinding, 'kind' | 'kindLabel'> }) {
  return <Badge tone={KIND_TONES[finding.kind]}>{finding.kindLabel}</Badge>;
}

/** What to do: the advice, then the fix (for those who may) or the link. */
export function DriftAction({ finding, fix }: { finding: DriftFinding; fix: Fix }) {
  return (
    <div className="space-y-2">
      <p className="text-slate-700">{finding.advice}</p>
      <div className="flex flex-wrap items-start gap-3">
        {finding.fix && finding.mayFix && (
          <DriftFixButton label={finding.fix.label} input={{ secretId: finding.secret.id, kind: finding.fix.kind, seen: finding.seen }} fix={fix} />
        )}
        {finding.fix && !finding.mayFix && (
          <span className="text-xs text-slate-500">An engineer of {finding.secret.ownerTeam.name} or an administrator can fix this.</span>
        )}
        {finding.link && (
          <Link href={finding.link.href} className="text-xs font-medium text-accent-700 hover:underline">
            {finding.link.label}
          </Link>
        )}
      </div>
    </div>
  );
}

function columns(fix: Fix): Column<DriftFinding>[] {
  return [
    {
      header: 'Secret',
      cell: (f) => (
        <>
          <Link href={`/inventory/${f.secret.id}`} className="font-medium text-accent-700 hover:underline">
            {f.secret.name}
          </Link>
          <span className="block text-xs text-slate-500">
            {f.secret.environment} · {f.secret.ownerTeam.name}
          </span>
        </>
      ),
    },
    {
      header: 'Finding',
      cell: (f) => (
        <>
          <DriftKindBadge finding={f} />
          <span className="mt-1 block text-xs text-slate-500">{f.connection.name}</span>
        </>
      ),
    },
    { header: 'Inventory says', className: 'max-w-56 break-words', cell: (f) => f.inventory },
    { header: 'Provider says', className: 'max-w-56 break-words', cell: (f) => f.provider },
    { header: 'What to do', className: 'min-w-72 max-w-md', cell: (f) => <DriftAction finding={f} fix={fix} /> },
  ];
}

export function DriftTable({ items, fix, pager }: { items: DriftFinding[]; fix: Fix; pager?: React.ReactNode }) {
  return (
    <DataTable
      caption="Drift findings"
      items={items}
      itemKey={(f) => `${f.secret.id}:${f.kind}`}
      columns={columns(fix)}
      pager={pager}
      empty={
        <EmptyState title="No drift found">
          <p>The inventory and what the newest scans saw agree here.</p>
        </EmptyState>
      }
    />
  );
}
