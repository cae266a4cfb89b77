// Words for rotation states, strategies, triggers and the Rotation area's tabs, shared by
// the secret's Rotation tab, the Rotation area and the home page. No server code.
import type { RotationState, RotationTrigger } from '@/generated/prisma/enums';
import type { Tone } from '@/components/ui/badge';
import type { RotationBucket } from '@/lib/validation/rotation-list';

export { STRATEGY_LABELS } from '@/components/inventory/labels';

export const TRIGGER_LABELS: Record<RotationTrigger, string> = { manual: 'Started by hand', scheduled: 'Scheduled', emergency: 'Emergency' };

export const STATE_LABELS: Record<RotationState, string> = {
  requested: 'Starting',
  awaiting_value: 'Waiting for the new value',
  value_written: 'New value written',
  verified: 'Verified',
  in_grace: 'In grace period',
  awaiting_revocation: 'Waiting for the old key to be revoked',
  completed: 'Completed',
  failed: 'Failed',
  rolled_back: 'Rolled back',
  cancelled: 'Cancelled',
};

export const STATE_TONES: Record<RotationState, Tone> = {
  requested: 'blue',
  awaiting_value: 'amber',
  value_written: 'blue',
  verified: 'blue',
  in_grace: 'violet',
  awaiting_revocation: 'amber',
  completed: 'green',
  failed: 'red',
  rolled_back: 'neutral',
  cancelled: 'neutral',
};

export const BUCKET_LABELS: Record<RotationBucket, string> = {
  overdue: 'Overdue',
  soon: 'Due soon',
  never: 'Never rotated',
  in_progress: 'In progress',
  failed: 'Failed',
  in_grace: 'In grace',
};

/** What each tab holds, for the sentence above its table. */
export function bucketDescription(bucket: RotationBucket, soonDays: number): string {
  switch (bucket) {
    case 'overdue':
      return 'Secrets whose next rotation date has passed, most overdue first.';
    case 'soon':
      return `Secrets due for rotation within the next ${soonDays} ${soonDays === 1 ? 'day' : 'days'}, soonest first.`;
    case 'never':
      return 'Secrets with no recorded rotation, with or without a rotation policy.';
    case 'in_progress':
      return 'Rotations under way (not yet in their grace period), longest running first.';
    case 'failed':
      return 'Secrets whose latest rotation failed, most recent failure first.';
    case 'in_grace':
      return 'New value promoted; the previous one stays valid until the grace period ends. Soonest end first.';
  }
}

/** A consumer's adoption of the new value during the grace period (lib/data/rotation-adoption.ts). */
export const ADOPTION_STATUS_LABELS: Record<'moved' | 'on_old' | 'waiting' | 'unobservable', string> = {
  moved: 'Moved',
  on_old: 'Still on the old value',
  waiting: 'Not seen yet',
  unobservable: 'Cannot be observed',
};

export const ADOPTION_STATUS_TONES: Record<keyof typeof ADOPTION_STATUS_LABELS, Tone> = {
  moved: 'green',
  on_old: 'amber',
  waiting: 'neutral',
  unobservable: 'neutral',
};
