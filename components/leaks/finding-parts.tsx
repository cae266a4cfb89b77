// Pieces of a leak finding as the tables show them: where it was found, and what it matches.
import Link from 'next/link';
import { formatDay } from '@/components/format';
import { shortVersion } from '@/components/values/short-version';
import { Badge } from '@/components/ui/badge';
import { SEVERITY_LABELS, SEVERITY_TONES, type LeakSeverityName } from './labels';

export type FindingWhere = { path: string; line: number | null; commit: string | null; authorDate: string | null; preview: string };

export function SeverityBadge({ severity }: { severity: LeakSeverityName }) {
  return <Badge tone={SEVERITY_TONES[severity]}>{SEVERITY_LABELS[severity]}</Badge>;
}

/** Where, as one line of text: path:line (or "line N"), and the commit. */
export function FindingLocationText({ where }: { where: Omit<FindingWhere, 'preview'> }) {
  const place = where.path ? `${where.path}${where.line ? `:${where.line}` : ''}` : where.line ? `line ${where.line}` : 'the text';
  return (
    <>
      <code className="font-mono">{place}</code>
      {where.commit && (
        <>
          {' '}
          (commit <code className="font-mono">{where.commit.slice(0, 10)}</code>
          {where.authorDate && <>, {formatDay(where.authorDate)}</>})
        </>
      )}
    </>
  );
}

/** path:line (or "line N" of a paste), the commit's short id and its author date. */
export function FindingLocation({ where }: { where: FindingWhere }) {
  const place = where.path ? `${where.path}${where.line ? `:${where.line}` : ''}` : where.line ? `line ${where.line}` : 'the text';
  return (
    <div className="min-w-40 max-w-md">
      <code className="font-mono text-[13px] break-all text-slate-900">{place}</code>
      {where.commit && (
        <span className="block text-xs text-slate-600">
          commit <code className="font-mono">{where.commit.slice(0, 10)}</code>
          {where.authorDate && <> · {formatDay(where.authorDate)}</>}
        </span>
      )}
    </div>
  );
}

/** The masked preview: the assignment's key at most, never any part of the value. */
export function FindingPreview({ preview }: { preview: string }) {
  // A long key may wrap anywhere; the mask and its length stay on one line.
  const mask = preview.indexOf('•');
  const key = mask < 0 ? preview : preview.slice(0, mask);
  return (
    <code className="font-mono text-[13px] text-slate-700">
      <span className="break-all">{key}</span>
      {mask >= 0 && <span className="whitespace-nowrap">{preview.slice(mask)}</span>}
    </code>
  );
}

type Matched = {
  ruleId: string | null;
  secret: { id: string; name: string; environment: string; team: string } | null;
  otherTeam: boolean;
  secretGone: boolean;
  providerVersionId: string | null;
};

/** The inventory secret, environment and version a finding matches, or its pattern rule. */
export function FindingMatch({ finding }: { finding: Matched }) {
  if (finding.secret) {
    return (
      <div>
        <Link href={`/inventory/${finding.secret.id}`} className="font-medium break-words text-accent-700 hover:underline">
          {finding.secret.name}
        </Link>
        <span className="block text-xs text-slate-600">
          {finding.secret.environment} · {finding.secret.team}
          {finding.providerVersionId && (
            <>
              {' '}
              · version <code className="font-mono">{shortVersion(finding.providerVersionId)}</code>
            </>
          )}
        </span>
      </div>
    );
  }
  if (finding.otherTeam) return <span className="text-slate-700">Matches a secret of another team (its owners were notified)</span>;
  if (finding.secretGone) return <span className="text-slate-700">Matches a secret that has since been deleted</span>;
  return (
    <span>
      Rule <code className="font-mono text-[13px]">{finding.ruleId}</code>
    </span>
  );
}
