// Maps identity-provider groups to a dashboard role, and reads the groups claim. Pure, so
// it is unit-tested alone.
import type { Role } from '@/generated/prisma/enums';
import { groupMapPairs } from './group-map';
import { ROLE_RANK, ROLES } from './permissions';

/** Parses "group=role;group=role" (lib/auth/group-map.ts), whitespace allowed. */
export function parseRoleMap(text: string): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const { pair, group, value } of groupMapPairs(text)) {
    const role = value as Role;
    if (!group || !ROLES.includes(role)) {
      throw new Error(`OIDC_ROLE_MAP: "${pair}" is not group=role with role one of ${ROLES.join(', ')}`);
    }
    map.set(group, role);
  }
  return map;
}

/** The most powerful role any group maps to; the default role when none maps. */
export function roleFromGroups(groups: readonly string[], mapText: string, defaultRole?: Role): Role | null {
  const map = parseRoleMap(mapText);
  const roles = new Set(groups.map((g) => map.get(g)).filter((r): r is Role => Boolean(r)));
  return ROLE_RANK.find((r) => roles.has(r)) ?? defaultRole ?? null;
}

/**
 * The groups an ID token's claim names. An array is the usual shape; a string is one group
 * (a DN such as "cn=ops,dc=acme" has commas of its own), unless it is a JSON array, as some
 * providers encode lists in string-only claims. Never split on commas or spaces: that would
 * turn a group named "admins, contractors" into membership of "admins".
 */
export function groupsFromClaim(value: unknown): string[] {
  const strings = (list: unknown[]) => list.filter((g): g is string => typeof g === 'string' && g !== '');
  if (Array.isArray(value)) return strings(value);
  if (typeof value !== 'string' || value.trim() === '') return [];
  if (value.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return strings(parsed);
    } catch {
      // Not JSON after all: a group whose name starts with "[".
    }
  }
  return [value];
}
