// What a notification says: the event names channels subscribe to and the payload sent
// for each. The payload is metadata about a secret, a rotation run or an approval
// request, never a value;
// its schema is strict, so a field nobody declared here cannot ride along to a webhook.
import { z } from 'zod';

export const NOTIFICATION_EVENTS = [
  'rotation.due_soon',
  'rotation.overdue',
  'rotation.started',
  'rotation.completed',
  'rotation.failed',
  'rotation.grace_ended',
  'rotation.held',
  'secret.compromised',
  'secret.expiring',
  'secret.leak_found',
  'approval.requested',
  'approval.decided',
  'discovery.new_unmanaged',
] as const;

export type NotificationEventName = (typeof NOTIFICATION_EVENTS)[number];

/** Sent by "Send test event" only; channels cannot subscribe to it. */
export const TEST_EVENT = 'notification.test';
/** A digest channel's daily list of due and overdue secrets (./digest.ts). Channels get it
 *  by their "one daily digest" setting, not by subscribing to it. */
export const DIGEST_EVENT = 'rotation.digest';
export type PayloadEventName = NotificationEventName | typeof TEST_EVENT | typeof DIGEST_EVENT;

/** At most this many secrets are listed in one digest; the rest are counted ("and N more"). */
export const DIGEST_MAX_ITEMS = 50;

export const EVENT_LABELS: Record<PayloadEventName, string> = {
  'rotation.due_soon': 'Rotation due soon',
  'rotation.overdue': 'Rotation overdue',
  'rotation.started': 'Rotation started',
  'rotation.completed': 'Rotation completed',
  'rotation.failed': 'Rotation failed',
  'rotation.grace_ended': 'Grace period ended',
  'rotation.held': 'Retirement held: consumers still on the old value',
  'secret.compromised': 'Secret marked compromised',
  'secret.expiring': 'Credential expiring',
  'secret.leak_found': 'A leak check found a secret',
  'approval.requested': 'Approval requested (two-person rule)',
  'approval.decided': 'Approval given or refused',
  'discovery.new_unmanaged': 'Discovery found new unmanaged secrets',
  'notification.test': 'Test event',
  'rotation.digest': 'Due and overdue digest',
};

export const ZNotificationEventName = z.enum(NOTIFICATION_EVENTS);

const short = (max: number) => z.string().max(max);

/** The payload as stored with each delivery and posted (generic JSON) to receivers. */
export const ZNotificationPayload = z.strictObject({
  event: z.union([ZNotificationEventName, z.literal(TEST_EVENT), z.literal(DIGEST_EVENT)]),
  occurredAt: z.iso.datetime(),
  // Every event but discovery's is about one inventory secret.
  secret: z
    .strictObject({
      id: z.uuid(),
      name: short(300),
      environment: short(100),
      ownerTeam: short(200),
    })
    .optional(),
  // A completed discovery scan that found provider secrets nobody manages yet: how many,
  // and the first few names (provider names, never values).
  discovery: z
    .strictObject({
      connectionId: z.uuid(),
      connection: short(200),
      scanId: z.uuid(),
      newUnmanaged: z.number().int().min(1),
      names: z.array(short(512)).max(10),
    })
    .optional(),
  // A daily digest: how many of the channel's secrets are overdue and due soon, and the
  // first of them (names, environments, owners and due dates; never a value).
  digest: z
    .strictObject({
      day: z.iso.date(),
      /** The channel's route in words: its teams, environments and classifications, or "All secrets". */
      route: short(300),
      overdue: z.number().int().min(0),
      dueSoon: z.number().int().min(0),
      items: z
        .array(
          z.strictObject({
            id: z.uuid(),
            name: short(300),
            environment: short(100),
            ownerTeam: short(200),
            dueAt: z.iso.datetime(),
            overdue: z.boolean(),
          }),
        )
        .max(DIGEST_MAX_ITEMS),
    })
    .optional(),
  run: z
    .strictObject({
      id: z.uuid(),
      strategy: short(40),
      trigger: short(40),
      state: short(40),
    })
    .optional(),
  // A two-person-rule request: who asked to do what, and who decided. Never a value.
  approval: z
    .strictObject({
      id: z.uuid(),
      kind: short(40),
      state: short(40),
      requestedBy: short(320),
      decidedBy: short(320).nullable(),
    })
    .optional(),
  /** secret.expiring: when the credential stops working (an expiry date, not a value). */
  expiresAt: z.iso.datetime().optional(),
  /** rotation.held: the consumers still on the old value (labels, never a value). */
  stragglers: z.array(short(300)).max(50).optional(),
  // A person's words (e.g. why a secret was marked compromised), capped.
  reason: short(1000).optional(),
  /** The secret's page in the dashboard (a discovery event: the connection's page; a digest: the Rotation page filtered to the route). */
  url: z.url(),
  /** Present (true) on test events only. */
  test: z.literal(true).optional(),
});

export type NotificationPayload = z.infer<typeof ZNotificationPayload>;
