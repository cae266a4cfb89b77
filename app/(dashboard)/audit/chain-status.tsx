// The Audit page's tamper-evidence panel: when the hash chain was last verified
// (`npm run audit:verify` or the daily job) and what that run found.
import type { ChainStatus } from '@/lib/audit/verifications';

export function ChainStatusPanel({ status }: { status: ChainStatus | null }) {
  const tone = !status
    ? 'bg-slate-50 text-slate-800 ring-slate-200'
    : status.ok
      ? 'bg-emerald-50 text-emerald-900 ring-emerald-200'
      : 'bg-red-50 text-red-900 ring-red-200';
  return (
    <section aria-labelledby="chain-status-title" className={`mb-5 rounded-md px-4 py-3 text-sm ring-1 ring-inset ${tone}`}>
      <h2 id="chain-status-title" className="font-semibold">
        Hash chain: {!status ? 'never verified' : status.ok ? 'intact' : 'BROKEN'}
      </h2>
      {!status ? (
        <p className="mt-1">
          No verification has run yet. Run <code className="font-mono">npm run audit:verify</code>, or wait for the daily job.
        </p>
      ) : (
        <p className="mt-1">
          Last verified <time dateTime={status.ranAt}>{status.ranAt.replace('T', ' ').slice(0, 19)} UTC</time>: {status.eventsChecked} event
          {status.eventsChecked === 1 ? '' : 's'} checked
          {status.headSeq !== null && (
            <>
              , head seq {status.headSeq}
              {status.headHash && <span className="font-mono"> {status.headHash.slice(0, 16)}…</span>}
            </>
          )}
          .{!status.ok && <span className="mt-1 block font-medium">{status.message}</span>}
        </p>
      )}
    </section>
  );
}
