'use server';
import { runAction } from '@/lib/action';
import { getEnrolmentCaller } from '@/lib/auth/session';
import { confirmTotpEnrolment } from '@/lib/data/account';
import { ZTotpConfirm } from '@/lib/validation/account';

// The recovery codes travel once, in this response to their owner; nothing keeps them.
export async function confirmTotpAction(input: unknown) {
  return runAction(
    ZTotpConfirm,
    input,
    async (caller, confirm) => {
      const { recoveryCodes } = await confirmTotpEnrolment(caller, confirm);
      return { recoveryCodes: recoveryCodes.join('\n') };
    },
    getEnrolmentCaller,
  );
}
