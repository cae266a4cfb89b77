// A secret page's "Leak findings": where leak checks found this secret's values, newest first,
// for the owning team, administrators and auditors.
import Link from 'next/link';
import { formatDay } from '@/components/format';
import { shortVersion } from '@/components/values/short-version';
import type { SecretLeakFinding } from '@/lib/data/leak-scans';
import { FindingLocationText, SeverityBadge } from './finding-parts';

/** A finding as the panel shows it: the secret is the page's own. */
export type SecretLeakItem = Omit<SecretLeakFinding, 'ruleId' | 'secret' | 'otherTeam' | 'secretGone'>;

export function SecretLeakPanel({ secretId, findings }: { secretId: string; findings: SecretLeakItem[] }) {
  return (
    <section aria-labelledby="leak-findings-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <h2 id="leak-findings-heading" className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">
        Leak findings ({findings.length})
      </h2>
      <ul className="divide-y divide-slate-100 text-sm">
        {findings.map((f) => (
          <li key={f.id} className="space-y-1 px-5 py-3">
            <p className="flex flex-wrap items-center gap-2">
              <SeverityBadge severity={f.severity} />
              {f.providerVersionId && (
                <span className="text-xs text-slate-600">
                  version <code className="font-mono">{shortVersion(f.providerVersionId)}</code>
                </span>
              )}
            </p>
            <p className="break-words text-slate-700">
              <FindingLocationText where={f} /> in{' '}
              <Link href={`/leaks/${f.scanId}`} className="text-accent-700 underline">
                {f.scanLabel}
              </Link>
              , {formatDay(f.foundAt)}
            </p>
            {f.mayMarkCompromised && (
              <Link href={`/inventory/${secretId}/rotation?finding=${f.id}#compromised-heading`} className="text-xs font-medium text-red-800 hover:underline">
                Mark compromised from this finding
              </Link>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
