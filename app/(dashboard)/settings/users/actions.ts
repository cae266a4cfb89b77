'use server';
import { runAction } from '@/lib/action';
import { endSessionsOfUser, resetSecondFactor, setMfaRequirement } from '@/lib/data/user-security';
import { changeRole, createUser, resetInvite, setUserStatus } from '@/lib/data/users';

// createUser and resetInvite return the invite code: this response to the admin who
// asked is the only place it ever travels.
export async function createUserAction(input: unknown) {
  return runAction((caller) => createUser(caller, input));
}

export async function changeRoleAction(userId: string, role: string) {
  return runAction((caller) => changeRole(caller, String(userId), role));
}

export async function setUserStatusAction(userId: string, status: string) {
  return runAction((caller) => setUserStatus(caller, String(userId), status));
}

export async function resetInviteAction(userId: string) {
  return runAction((caller) => resetInvite(caller, String(userId)));
}

export async function endUserSessionsAction(userId: string) {
  return runAction((caller) => endSessionsOfUser(caller, String(userId)));
}

export async function resetSecondFactorAction(userId: string) {
  return runAction((caller) => resetSecondFactor(caller, String(userId)));
}

export async function setMfaRequirementAction(input: unknown) {
  return runAction((caller) => setMfaRequirement(caller, input));
}
