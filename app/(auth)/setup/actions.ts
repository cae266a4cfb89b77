'use server';
import { runAction } from '@/lib/action';
import { completeSetup } from '@/lib/data/setup';

export async function completeSetupAction(input: unknown) {
  return runAction(async (caller) => {
    await completeSetup(caller, input);
    return {};
  });
}
