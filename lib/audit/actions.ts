// The audit action names the code records, in one list. The audit trail's action filter
// offers these instead of running DISTINCT over millions of rows, so a module that
// records a new action adds its name here (the audit-events test checks the list is
// well-formed and sorted).

export const AUDIT_ACTIONS = [
  'audit.list',
  'auth.sign_in',
  'auth.sign_out',
  'environment.list',
  'incident.close',
  'incident.step_check',
  'inventory.export',
  'inventory.import',
  'policy.list',
  'policy.update',
  'provider_connection.create',
  'provider_connection.delete',
  'provider_connection.list',
  'provider_connection.read',
  'provider_connection.test',
  'provider_connection.update',
  'rotation.calendar',
  'rotation.cancelled',
  'rotation.failed',
  'rotation.grace_ended',
  'rotation.health',
  'rotation.list',
  'rotation.promoted',
  'rotation.revocation_confirmed',
  'rotation.rolled_back',
  'rotation.start',
  'rotation.value_requested',
  'rotation.value_written',
  'rotation.verified',
  'secret.create',
  'secret.decommission',
  'secret.list',
  'secret.mark_compromised',
  'secret.read',
  'secret.update',
  'secret.value_write',
  'secret.version_change',
  'setup.complete',
  'system.create',
  'system.list',
  'system.read',
  'system.update',
  'team.create',
  'team.list',
  'team.read',
  'team.update',
  'user.create',
  'user.disable',
  'user.enable',
  'user.invite_accept',
  'user.invite_reset',
  'user.list',
  'user.role_change',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Target types the audit trail's filter suggests (free text is accepted too). */
export const AUDIT_TARGET_TYPES = [
  'audit_event',
  'classification_policy',
  'environment',
  'incident',
  'provider_connection',
  'rotation',
  'secret',
  'system',
  'team',
  'user',
] as const;

/** The shape every action name has: area.verb, lower-case with underscores. */
export const ACTION_NAME_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
