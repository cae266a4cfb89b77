// What the grace period of a promoted rotation means: the previous version stays valid
// until it ends, unless the provider held no earlier version (the secret's first value),
// when nothing stays valid beside the new one and there is nothing to roll back to.
import { formatDateTime } from '@/components/format';
import type { RotationRunView } from '@/lib/data/rotations';

/** `adoption`: the retirement waits for the consumers (lib/rotation/adoption), not only the clock. */
export function GraceNote({ run, adoption = false }: { run: Pick<RotationRunView, 'previousVersionId' | 'graceEndsAt'>; adoption?: boolean }) {
  if (!run.graceEndsAt) return null;
  const ends = <strong>{formatDateTime(run.graceEndsAt)}</strong>;
  if (run.previousVersionId && adoption) {
    return (
      <p>
        The new version is current. The previous one stays valid until the consumers below have moved to the new one, then it is retired; the grace period ends{' '}
        {ends}.
      </p>
    );
  }
  return run.previousVersionId ? (
    <p>The new version is current. The previous one stays valid until {ends}, then it is retired.</p>
  ) : (
    <p>
      The new version is current. It is the first version of this secret the provider holds: no earlier one stays valid beside it, and there is none to roll
      back to. The grace period ends {ends}.
    </p>
  );
}
