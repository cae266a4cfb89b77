// Maps identity-provider groups to team memberships (OIDC_TEAM_MAP, "group=Team name;...").
// Memberships that came from groups are marked `oidc` and follow the groups at every
// sign-in: added when a mapped group appears, removed when it goes. Memberships an admin
// added by hand are never touched here.
import 'server-only';
import type { Tx } from '@/lib/db';
import { groupMapPairs } from './group-map';

/** Parses "group=Team name;group=Team name" like OIDC_ROLE_MAP (lib/auth/group-map.ts). */
export function parseTeamMap(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { pair, group, value: team } of groupMapPairs(text)) {
    if (!group || !team) throw new Error(`OIDC_TEAM_MAP: "${pair}" is not group=team name`);
    map.set(group, [...(map.get(group) ?? []), team]);
  }
  return map;
}

export function teamNamesFromGroups(groups: readonly string[], mapText: string): string[] {
  const map = parseTeamMap(mapText);
  return [...new Set(groups.flatMap((g) => map.get(g) ?? []))].sort();
}

export type TeamSync = { added: string[]; removed: string[]; unknown: string[] };

/** Brings the user's group-made memberships in line with `teamNames`, in the sign-in's transaction. */
export async function syncGroupTeams(tx: Tx, userId: string, teamNames: string[]): Promise<TeamSync> {
  const teams = await tx.team.findMany({ where: { name: { in: teamNames } }, select: { id: true, name: true } });
  const unknown = teamNames.filter((n) => !teams.some((t) => t.name === n));
  const removed = await tx.$queryRaw<{ name: string }[]>`
    DELETE FROM team_members m USING teams t
    WHERE m.user_id = ${userId}::uuid AND m.source = 'oidc' AND t.id = m.team_id AND NOT (t.id = ANY(${teams.map((t) => t.id)}::uuid[]))
    RETURNING t.name`;
  const added = await tx.$queryRaw<{ name: string }[]>`
    WITH inserted AS (
      INSERT INTO team_members (team_id, user_id, source)
      SELECT id, ${userId}::uuid, 'oidc' FROM unnest(${teams.map((t) => t.id)}::uuid[]) AS id
      ON CONFLICT DO NOTHING RETURNING team_id)
    SELECT t.name FROM inserted i JOIN teams t ON t.id = i.team_id`;
  return { added: added.map((r) => r.name).sort(), removed: removed.map((r) => r.name).sort(), unknown };
}
