'use server';
import { runAction } from '@/lib/action';
import { completeSetup } from '@/lib/data/setup';
import { ZSetupInput } from '@/lib/validation/setup';

export async function completeSetupAction(input: unknown) {
  return runAction(ZSetupInput, input, async (caller, setup) => {
    await completeSetup(caller, setup);
    return {};
  });
}
