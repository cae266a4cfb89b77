// The audit action names the code records, in one list. The audit trail's action filter
// offers these instead of running DISTINCT over millions of rows, so a module that
// records a new action adds its name here (the audit-events test checks the list is
// well-formed and sorted).

export const AUDIT_ACTIONS = [
  'audit.list',
  'auth.sign_in',
  'auth.sign_out',
  'environment.list',
  'inventory.export',
  'inventory.import',
  'notification_channel.create',
  'notification_channel.delete',
  'notification_channel.list',
  'notification_channel.read',
  'notification_channel.test',
  'notification_channel.update',
  'notification_delivery.list',
  'provider_connection.create',
  'provider_connection.delete',
  'provider_connection.list',
  'provider_connection.read',
  'provider_connection.test',
  'provider_connection.update',
  'secret.create',
  'secret.decommission',
  'secret.list',
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
export const AUDIT_TARGET_TYPES = ['audit_event', 'environment', 'notification_channel', 'provider_connection', 'secret', 'system', 'team', 'user'] as const;

/** The shape every action name has: area.verb, lower-case with underscores. */
export const ACTION_NAME_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
