// Short names of the posture checks (lib/posture/checks.ts holds the full wording and the
// advice), for filters, bars and badges; and the tone a score is shown in.
import type { Tone } from '@/components/ui/badge';
import type { PostureCheckKey } from '@/lib/validation/posture';

export const CHECK_SHORT_LABELS: Record<PostureCheckKey, string> = {
  owner_contact: 'No owner contact',
  consumers_declared: 'No consumers declared',
  rotation_on_schedule: 'No interval or overdue',
  grace_strategy: 'No grace-period strategy',
  last_rotation_ok: 'Last rotation failed',
  unique_value: 'Value unknown or reused',
  no_undeclared_readers: 'Undeclared readers',
  no_drift: 'Drift from the cloud',
  tags_match: 'Provider tags disagree',
  classification_set: 'No classification',
};

export function scoreTone(score: number): Tone {
  if (score >= 80) return 'green';
  if (score >= 50) return 'amber';
  return 'red';
}

export const formatScore = (score: number) => (Number.isInteger(score) ? String(score) : score.toFixed(1));
