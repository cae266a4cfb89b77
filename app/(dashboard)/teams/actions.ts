'use server';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { createServiceToken } from '@/lib/data/service-tokens';
import { addTeamMember, removeTeamMember } from '@/lib/data/team-members';
import { createTeam, updateTeam } from '@/lib/data/teams';
import { ZServiceTokenCreate } from '@/lib/validation/api-tokens';
import { ZTeamId, ZTeamInput, ZTeamMemberAdd, ZTeamMemberRemove } from '@/lib/validation/catalog';

export async function createTeamAction(input: unknown) {
  return runAction(ZTeamInput, input, (caller, team) => createTeam(caller, team));
}

export async function updateTeamAction(teamId: unknown, input: unknown) {
  return runAction(z.tuple([ZTeamId, ZTeamInput]), [teamId, input], (caller, [id, team]) => updateTeam(caller, id, team));
}

export async function addTeamMemberAction(teamId: unknown, input: unknown) {
  return runAction(z.tuple([ZTeamId, ZTeamMemberAdd]), [teamId, input], (caller, [id, member]) => addTeamMember(caller, id, member));
}

export async function removeTeamMemberAction(teamId: unknown, input: unknown) {
  return runAction(z.tuple([ZTeamId, ZTeamMemberRemove]), [teamId, input], (caller, [id, member]) => removeTeamMember(caller, id, member));
}

/** The token text comes back in this one result and is never available again (revoking: the account page's revokeApiTokenAction). */
export async function createServiceTokenAction(teamId: unknown, input: unknown) {
  return runAction(z.tuple([ZTeamId, ZServiceTokenCreate]), [teamId, input], (caller, [id, token]) => createServiceToken(caller, id, token));
}
