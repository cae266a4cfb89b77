// What each access-token scope lets a token call do, as the permissions it grants. A token
// call may use a permission only when its user's role has it *and* one of the token's
// scopes grants it: authorize() checks both, so every data-layer function is narrowed to
// the token's scopes without knowing about tokens.
import type { ApiScope } from '@/lib/validation/api-tokens';
import type { Caller } from './caller';
import { can, type Permission } from './permissions';

export const SCOPE_PERMISSIONS: Record<ApiScope, readonly Permission[]> = {
  'secrets:read': ['secrets.read', 'inventory.export'],
  'secrets:write': ['secrets.write', 'catalog.write', 'inventory.import'],
  'values:write': ['secrets.value.write'],
  'rotation:run': ['secrets.rotate'],
  'audit:read': ['audit.read', 'audit.export'],
  'metrics:read': ['metrics.read'],
  'leak-check': ['leak.scan'],
};

/** Whether a token with `scopes` may use `permission` (its user's role is checked apart). */
export function scopesAllow(scopes: readonly ApiScope[], permission: Permission): boolean {
  return scopes.some((scope) => SCOPE_PERMISSIONS[scope].includes(permission));
}

/**
 * Whether the caller may use `permission`: its role has it and, for a token call, one of
 * the token's scopes grants it. For a data-layer function that decides what to show or
 * offer (not whether to proceed, which is authorize()'s job), so a token never learns
 * more through such a decision than its scopes allow.
 */
export function callerCan(caller: Pick<Caller, 'user' | 'tokenScopes'>, permission: Permission): boolean {
  return can(caller.user?.role, permission) && (!caller.tokenScopes || scopesAllow(caller.tokenScopes, permission));
}
