// Words for rotation states, strategies and triggers, shared by the secret's Rotation tab
// and the Rotation area. No server code.
import type { RotationState, RotationStrategy, RotationTrigger } from '@/generated/prisma/enums';
import type { Tone } from '@/components/ui/badge';

export const STRATEGY_LABELS: Record<RotationStrategy, string> = {
  manual: 'Manual runbook',
  generated: 'Generated value',
  postgres_role: 'PostgreSQL role password',
  provider_native: 'AWS rotation Lambda',
};

export const TRIGGER_LABELS: Record<RotationTrigger, string> = { manual: 'Started by hand', scheduled: 'Scheduled', emergency: 'Emergency' };

export const STATE_LABELS: Record<RotationState, string> = {
  requested: 'Starting',
  awaiting_value: 'Waiting for the new value',
  value_written: 'New value written',
  verified: 'Verified',
  in_grace: 'In grace period',
  awaiting_revocation: 'Waiting for the old key to be revoked',
  completed: 'Completed',
  failed: 'Failed',
  rolled_back: 'Rolled back',
  cancelled: 'Cancelled',
};

export const STATE_TONES: Record<RotationState, Tone> = {
  requested: 'blue',
  awaiting_value: 'amber',
  value_written: 'blue',
  verified: 'blue',
  in_grace: 'violet',
  awaiting_revocation: 'amber',
  completed: 'green',
  failed: 'red',
  rolled_back: 'neutral',
  cancelled: 'neutral',
};
