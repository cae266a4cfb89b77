'use server';
import { runAction } from '@/lib/action';
import { addTeamMember, removeTeamMember } from '@/lib/data/team-members';
import { createTeam, updateTeam } from '@/lib/data/teams';
import { ZTeamId } from '@/lib/validation/catalog';
import { parseInput } from '@/lib/validation/parse';

export async function createTeamAction(input: unknown) {
  return runAction((caller) => createTeam(caller, input));
}

export async function updateTeamAction(teamId: unknown, input: unknown) {
  return runAction((caller) => updateTeam(caller, parseInput(ZTeamId, teamId), input));
}

export async function addTeamMemberAction(teamId: unknown, input: unknown) {
  return runAction((caller) => addTeamMember(caller, parseInput(ZTeamId, teamId), input));
}

export async function removeTeamMemberAction(teamId: unknown, input: unknown) {
  return runAction((caller) => removeTeamMember(caller, parseInput(ZTeamId, teamId), input));
}
