'use server';
import { runAction } from '@/lib/action';
import { getEnrolmentCaller } from '@/lib/auth/session';
import { confirmTotpEnrolment } from '@/lib/data/account';

// The recovery codes travel once, in this response to their owner; nothing keeps them.
export async function confirmTotpAction(input: unknown) {
  return runAction(async (caller) => {
    const { recoveryCodes } = await confirmTotpEnrolment(caller, input);
    return { recoveryCodes: recoveryCodes.join('\n') };
  }, getEnrolmentCaller);
}
