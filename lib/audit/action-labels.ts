// Human labels for the audit actions a secret's history can show (lib/data/secret-history.ts),
// in one map. action-labels.test.ts checks that every action of AUDIT_ACTIONS that can
// target one secret has its label here.
import type { AuditAction } from './actions';

export const HISTORY_ACTION_LABELS = {
  'approval.approve': 'Approval granted',
  'approval.cancel': 'Approval request withdrawn',
  'approval.refuse': 'Approval refused',
  'approval.release': 'Approval handed back unused',
  'approval.request': 'Approval requested',
  'approval.use': 'Approval used',
  'incident.close': 'Incident closed',
  'incident.step_check': 'Incident step checked',
  'rotation.cancelled': 'Rotation cancelled',
  'rotation.consumer_moved': 'Rotation: a consumer moved to the new value',
  'rotation.failed': 'Rotation failed',
  'rotation.grace_ended': 'Rotation: grace period ended',
  'rotation.grace_extended': 'Rotation: grace period extended for stragglers',
  'rotation.held': 'Rotation: retirement held for stragglers',
  'rotation.promoted': 'Rotation: new value promoted',
  'rotation.revocation_confirmed': 'Rotation: old credential revoked',
  'rotation.rolled_back': 'Rotation rolled back',
  'rotation.start': 'Rotation started',
  'rotation.undeclared_reader': 'Rotation: an undeclared reader seen',
  'rotation.value_requested': 'Rotation: waiting for the new value',
  'rotation.value_written': 'Rotation: new value written',
  'rotation.verified': 'Rotation: new value verified',
  'secret.access_events': 'Viewed the access log',
  'secret.access_summary': 'Viewed the access summary',
  'secret.create': 'Created',
  'secret.db_admin_credential': 'Database admin credential mark changed',
  'secret.decommission': 'Decommissioned',
  'secret.drift_labels_written': 'Drift fixed: owner and environment labels written to the provider',
  'secret.drift_last_rotated': 'Drift fixed: last rotated taken from the provider',
  'secret.drift_version_recorded': 'Drift fixed: a version written outside this dashboard recorded',
  'secret.expiry_read': 'Expiry read from the provider',
  'secret.history': 'Viewed the history',
  'secret.leak_found': 'Found by a leak check',
  'secret.mark_compromised': 'Marked compromised',
  'secret.read': 'Opened',
  'secret.update': 'Edited',
  'secret.value_write': 'New value written',
  // The worker settled a write whose server died before recording it (lib/jobs/settle-pending-writes.ts).
  'secret.value_write_abandoned': 'Interrupted value write: it did not happen (checked by the worker)',
  'secret.value_write_recovered': 'New value written (recorded by the worker after an interruption)',
  'secret.version_change': 'Version changed',
  'secret.version_change_abandoned': 'Interrupted version change: it did not happen (checked by the worker)',
  'secret.version_change_recovered': 'Version changed (recorded by the worker after an interruption)',
} as const satisfies Partial<Record<AuditAction, string>>;

/** The label of an action; an action recorded by an older or newer release shows as stored.
 *  A rotation step the worker took over after its holder died mid-step (detail.recovered,
 *  lib/rotation/runs.ts) says so: the action itself stays the one the step always records. */
export function historyActionLabel(action: string, detail?: unknown): string {
  const label = (HISTORY_ACTION_LABELS as Record<string, string>)[action] ?? action;
  return isRecovered(detail) ? `${label} (resumed after an interrupted step)` : label;
}

function isRecovered(detail: unknown): boolean {
  return typeof detail === 'object' && detail !== null && (detail as { recovered?: unknown }).recovered === true;
}
