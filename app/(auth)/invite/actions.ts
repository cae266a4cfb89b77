'use server';
import { runAction } from '@/lib/action';
import { acceptInvite } from '@/lib/data/invitations';

export async function acceptInviteAction(input: unknown) {
  return runAction(async (caller) => {
    await acceptInvite(caller, input);
    return {};
  });
}
