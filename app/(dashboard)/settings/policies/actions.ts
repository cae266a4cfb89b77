'use server';
import { runAction } from '@/lib/action';
import { updatePolicy } from '@/lib/data/policies';

// The data layer checks the permission and parses both arguments (an unknown
// classification is a field error, not a crash).
export async function updatePolicyAction(classification: unknown, input: unknown) {
  return runAction((caller) => updatePolicy(caller, classification, input));
}
