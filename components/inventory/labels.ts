// Words the inventory screens use for stored values, in one place so the list, the
// detail page, the form and the history say the same thing.
import type { Classification, ExpirySource, ProviderKind, RotationState, RotationStrategy, SecretStatus, StragglerPolicy } from '@/generated/prisma/enums';
import type { Tone } from '@/components/ui/badge';

export const CLASSIFICATION_LABELS: Record<Classification, string> = {
  critical: 'Critical',
  important: 'Important',
  sensitive: 'Sensitive',
};

export const CLASSIFICATION_TONES: Record<Classification, Tone> = {
  critical: 'red',
  important: 'amber',
  sensitive: 'blue',
};

export const STATUS_LABELS: Record<SecretStatus, string> = {
  active: 'Active',
  compromised: 'Compromised',
  deprecated: 'Deprecated',
  decommissioned: 'Decommissioned',
};

export const STATUS_TONES: Record<SecretStatus, Tone> = {
  active: 'green',
  compromised: 'red',
  deprecated: 'amber',
  decommissioned: 'neutral',
};

export const PROVIDER_LABELS: Record<ProviderKind, string> = {
  aws: 'AWS Secrets Manager',
  gcp: 'GCP Secret Manager',
  local: 'Local (this dashboard)',
  other: 'Other / not recorded',
};

export const STRATEGY_LABELS: Record<RotationStrategy, string> = {
  manual: 'Manual (runbook)',
  generated: 'Generated value',
  postgres_role: 'PostgreSQL role password',
  provider_native: 'Provider-native (AWS rotation Lambda)',
  mysql_user: 'MySQL/MariaDB user password',
  alternating_users: 'Alternating database users',
};

/** Short forms for tables. */
export const STRATEGY_SHORT_LABELS: Record<RotationStrategy, string> = {
  manual: 'Manual',
  generated: 'Generated',
  postgres_role: 'PostgreSQL role',
  provider_native: 'Provider-native',
  mysql_user: 'MySQL user',
  alternating_users: 'Alternating users',
};

/** What happens when the grace period ends and consumers still use the old value. */
export const STRAGGLER_POLICY_LABELS: Record<StragglerPolicy, string> = {
  retire: 'Retire it anyway',
  extend_once: 'Extend the grace period once',
  hold: 'Hold and notify the owning team',
};

export const RUN_STATE_LABELS: Record<RotationState, string> = {
  requested: 'Requested',
  awaiting_value: 'Awaiting new value',
  value_written: 'Value written',
  verified: 'Verified',
  in_grace: 'In grace period',
  awaiting_revocation: 'Awaiting revocation',
  completed: 'Completed',
  failed: 'Failed',
  rolled_back: 'Rolled back',
  cancelled: 'Cancelled',
};

export const RUN_STATE_TONES: Record<RotationState, Tone> = {
  requested: 'blue',
  awaiting_value: 'amber',
  value_written: 'blue',
  verified: 'blue',
  in_grace: 'amber',
  awaiting_revocation: 'amber',
  completed: 'green',
  failed: 'red',
  rolled_back: 'neutral',
  cancelled: 'neutral',
};

/** Labels for the audited fields in a secret's history (keys of the audit snapshot). */
export const EXPIRY_SOURCE_LABELS: Record<ExpirySource, string> = {
  entered: 'Entered by a person',
  certificate: 'Read from a pasted certificate',
  provider_value: "Read from the provider's certificate",
};

export const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  environment: 'Environment',
  ownerTeam: 'Owner team',
  contactPerson: 'Contact person',
  classification: 'Classification',
  status: 'Status',
  providerKind: 'Provider',
  providerRef: 'Provider reference',
  connection: 'Connection',
  lastRotatedAt: 'Last rotated',
  rotationIntervalDays: 'Rotation interval (days)',
  rotationStrategy: 'Rotation strategy',
  graceHours: 'Grace period (hours)',
  reminderDays: 'Reminder lead time (days)',
  autoRotate: 'Automatic rotation',
  rotationConfig: 'Strategy settings',
  expiresAt: 'Expires',
  expirySource: 'Expiry from',
  certificateSubject: 'Certificate subject',
  tags: 'Tags',
  consumers: 'Consuming systems',
  // The drift report's label fix (lib/data/drift.ts): what the provider secret was labelled.
  ownerLabel: 'Owner label at the provider',
  environmentLabel: 'Environment label at the provider',
};
