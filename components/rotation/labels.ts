// Words for the Rotation area's tabs, shared by the Rotation page and the home page.
import type { RotationBucket } from '@/lib/validation/rotation-list';

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
