// One secret's posture: its score and each check, passed, failed (with what to do) or not
// applicable. Marks are words as well as colours, for screen readers and print.
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import type { SecretPosture } from '@/lib/data/posture';
import { scoreTone } from './labels';

const MARK = {
  pass: { symbol: '✓', word: 'Passes', className: 'text-emerald-700' },
  fail: { symbol: '✗', word: 'Fails', className: 'text-red-700' },
  none: { symbol: '–', word: 'Does not apply', className: 'text-slate-400' },
};

export function PostureChecklist({ posture }: { posture: NonNullable<SecretPosture> }) {
  return (
    <div className="space-y-3">
      <p className="flex items-center gap-2 text-sm text-slate-700">
        Score <Badge tone={scoreTone(posture.score)}>{posture.score} / 100</Badge>
      </p>
      <ul className="space-y-2 text-sm" aria-label="Posture checks">
        {posture.checks.map((check) => {
          const mark = MARK[check.result === true ? 'pass' : check.result === false ? 'fail' : 'none'];
          return (
            <li key={check.key} className="flex gap-2">
              <span aria-hidden className={cn('w-4 shrink-0 text-center font-semibold', mark.className)}>
                {mark.symbol}
              </span>
              <span>
                <span className="sr-only">{mark.word}: </span>
                <span className={check.result === null ? 'text-slate-500' : 'text-slate-800'}>{check.label}</span>
                {check.result === false && <span className="block text-xs text-slate-600">{check.advice}</span>}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
