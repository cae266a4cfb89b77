'use server';
import { runAction } from '@/lib/action';
import { acceptInvite } from '@/lib/data/invitations';
import { ZAcceptInvite } from '@/lib/validation/user';

export async function acceptInviteAction(input: unknown) {
  return runAction(ZAcceptInvite, input, async (caller, invite) => {
    await acceptInvite(caller, invite);
    return {};
  });
}
