// Rotation events for the notification channels. PLACEHOLDER until lib/notifications
// lands: records nothing.
import 'server-only';
import type { Tx } from '@/lib/db';

export type RotationNotice =
  | 'rotation.due_soon'
  | 'rotation.overdue'
  | 'rotation.started'
  | 'rotation.completed'
  | 'rotation.failed'
  | 'rotation.grace_ended'
  | 'secret.compromised';

export async function noticeOf(
  _tx: Tx,
  _event: RotationNotice,
  _subject: { secretId: string; runId?: string; reason?: string },
): Promise<string[]> {
  return [];
}

/** After commit: hand the deliveries created by noticeOf to the worker. */
export async function sendNotices(_deliveryIds: string[]): Promise<void> {}
