export type RoleGrants = { separated: false; owner: string } | { separated: true; owner: string; runtime: string; purge: string | null };
export function urlRole(url: string): { name: string; password: string };
export function withRole(url: string, name: string, password?: string): string;
export function migrateAndGrant(urls: { ownerUrl: string; runtimeUrl: string; purgeUrl?: string }): Promise<{ applied: string[]; roles: RoleGrants }>;
export function describeRoles(roles: RoleGrants): string;
export function applyRoleGrants(ownerUrl: string, urls: { runtimeUrl: string; purgeUrl?: string }): Promise<RoleGrants>;
