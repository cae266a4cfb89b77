'use server';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { endSessionsOfUser, resetSecondFactor, setMfaRequirement } from '@/lib/data/user-security';
import { changeRole, createUser, resetInvite, setUserStatus } from '@/lib/data/users';
import { ZMfaRequirement } from '@/lib/validation/account';
import { ZRoleChange, ZUserCreate, ZUserRef, ZUserStatus } from '@/lib/validation/user';

// createUser and resetInvite return the invite code: this response to the admin who
// asked is the only place it ever travels.
export async function createUserAction(input: unknown) {
  return runAction(ZUserCreate, input, (caller, user) => createUser(caller, user));
}

export async function changeRoleAction(userId: unknown, role: unknown) {
  return runAction(z.tuple([ZUserRef, ZRoleChange.shape.role]), [userId, role], (caller, [id, newRole]) => changeRole(caller, id, newRole));
}

export async function setUserStatusAction(userId: unknown, status: unknown) {
  return runAction(z.tuple([ZUserRef, ZUserStatus.shape.status]), [userId, status], (caller, [id, newStatus]) => setUserStatus(caller, id, newStatus));
}

export async function resetInviteAction(userId: unknown) {
  return runAction(ZUserRef, userId, (caller, id) => resetInvite(caller, id));
}

export async function endUserSessionsAction(userId: unknown) {
  return runAction(ZUserRef, userId, (caller, id) => endSessionsOfUser(caller, id));
}

export async function resetSecondFactorAction(userId: unknown) {
  return runAction(ZUserRef, userId, (caller, id) => resetSecondFactor(caller, id));
}

export async function setMfaRequirementAction(input: unknown) {
  return runAction(ZMfaRequirement, input, (caller, requirement) => setMfaRequirement(caller, requirement));
}
