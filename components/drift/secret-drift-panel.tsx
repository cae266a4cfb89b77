// A secret's own drift findings on its detail page, with the same fixes as the report.
// Shown only when there is something to say.
import Link from 'next/link';
import { Panel } from '@/components/ui/panel';
import type { DriftFinding } from '@/lib/data/drift';
import type { DriftFixInput } from './drift-fix-button';
import { DriftAction, DriftKindBadge } from './drift-table';

export function SecretDriftPanel({
  findings,
  fix,
}: {
  findings: DriftFinding[];
  fix: (input: DriftFixInput) => Promise<{ ok: true } | { ok: false; error: string }>;
}) {
  if (findings.length === 0) return null;
  return (
    <Panel title={`Drift (${findings.length})`}>
      <p className="mb-3 text-sm text-slate-600">
        The newest scan of {findings[0].connection.name} disagrees with this entry.{' '}
        <Link href={`/discovery/drift?connection=${findings[0].connection.id}`} className="text-accent-700 hover:underline">
          The connection’s drift report
        </Link>
      </p>
      <ul className="divide-y divide-slate-100 text-sm">
        {findings.map((f) => (
          <li key={f.kind} className="space-y-2 py-3 first:pt-0 last:pb-0">
            <DriftKindBadge finding={f} />
            <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-2">
              <div>
                <dt className="text-xs text-slate-500">Inventory says</dt>
                <dd className="break-words text-slate-900">{f.inventory}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Provider says</dt>
                <dd className="break-words text-slate-900">{f.provider}</dd>
              </div>
            </dl>
            <DriftAction finding={f} fix={fix} />
          </li>
        ))}
      </ul>
    </Panel>
  );
}
