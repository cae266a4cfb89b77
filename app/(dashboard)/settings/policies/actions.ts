'use server';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { updatePolicy } from '@/lib/data/policies';
import { ZClassificationParam, ZPolicyInput } from '@/lib/validation/policy';

// The data layer checks the permission (an unknown classification is an input error, not a crash).
export async function updatePolicyAction(classification: unknown, input: unknown) {
  return runAction(z.tuple([ZClassificationParam, ZPolicyInput]), [classification, input], (caller, [which, policy]) => updatePolicy(caller, which, policy));
}
