// Optimistic concurrency for edit forms: the form carries the updatedAt its editor saw;
// if the row changed since, the save is refused rather than silently overwriting.
import { ConflictError } from '@/lib/errors';

export function assertNotStale(expectedUpdatedAt: string | undefined, current: Date, noun: string): void {
  if (expectedUpdatedAt && new Date(expectedUpdatedAt).getTime() !== current.getTime()) {
    throw new ConflictError(`Someone else saved this ${noun} after you opened it. Reload the page to see their changes, then edit again.`);
  }
}
