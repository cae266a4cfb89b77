'use server';
import { runAction } from '@/lib/action';
import { fixDrift } from '@/lib/data/drift';
import { ZDriftFix } from '@/lib/discovery/drift-input';

/** A drift finding's one-click fix; the data layer re-checks the finding and the caller's team. */
export async function fixDriftAction(input: unknown) {
  return runAction(ZDriftFix, input, (caller, fix) => fixDrift(caller, fix));
}
