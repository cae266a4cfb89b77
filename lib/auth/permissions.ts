// Roles -> permissions, in one place. Everything else asks `can(role, permission)`.
import type { Role } from '@/generated/prisma/enums';

export const PERMISSIONS = [
  'secrets.read',
  'secrets.write',
  'secrets.value.write',
  'secrets.rotate',
  'catalog.write', // teams and systems
  'inventory.import',
  'inventory.export',
  'audit.read',
  'audit.export',
  'admin.users',
  'admin.providers',
  'admin.policies', // rotation defaults per classification
  'admin.notifications', // webhook channels and their delivery history
  'admin.audit_sinks', // where the audit trail is streamed (SIEM sinks), their lag and errors
  'admin.retention', // the audit trail's retention period (what audit:purge may remove)
  'account.self', // one's own sessions and second factor (every role)
  'leak.scan', // paste, upload or send a repository's candidates to the leak check
  'metrics.read', // Prometheus metrics (/api/metrics)
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'engineer', 'viewer', 'auditor'] as const satisfies readonly Role[];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['secrets.read', 'inventory.export', 'account.self'],
  engineer: [
    'secrets.read',
    'secrets.write',
    'secrets.value.write',
    'secrets.rotate',
    'catalog.write',
    'inventory.import',
    'inventory.export',
    'account.self',
    'leak.scan',
  ],
  auditor: ['secrets.read', 'inventory.export', 'audit.read', 'audit.export', 'account.self'],
  admin: PERMISSIONS,
};

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role ? ROLE_PERMISSIONS[role].includes(permission) : false;
}

/**
 * For pages: whether to offer a team-scoped action on a secret, given how the caller
 * relates to its owning team (SecretDetail.ownerTeamAccess). The data layer decides.
 */
export function canOnSecret(role: Role, permission: Permission, ownerTeamAccess: 'admin' | 'member' | 'none'): boolean {
  return can(role, permission) && ownerTeamAccess !== 'none';
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

/** Ordered from most to least powerful; used to pick one role from several SSO groups. */
export const ROLE_RANK: readonly Role[] = ['admin', 'engineer', 'auditor', 'viewer'];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  engineer: 'Engineer',
  viewer: 'Team lead (viewer)',
  auditor: 'Auditor',
};
