// Recording that something happened, for every channel that wants to hear it.
//   notify(tx, input)      inside the caller's transaction: one delivery row per enabled,
//                          subscribed channel whose routing accepts the event's secret
//                          (./routing.ts), so the event and the change it reports
//                          commit together (or neither does);
//   enqueueDeliveries(ids) after the commit: one notification-deliver job per row
//                          (the worker's sweep re-sends any whose job was lost);
//   deliver(id)            in the worker: the POST or the email itself (./deliver.ts).
import 'server-only';
import type { Prisma } from '@/generated/prisma/client';
import type { Tx } from '@/lib/db';
import { env } from '@/lib/env';
import { jobSender } from '@/lib/jobs/boss';
import { notificationDeliverSendOptions, QUEUE, type NotificationDeliverData } from '@/lib/jobs/queues';
import { ZNotificationPayload, type NotificationEventName, type NotificationPayload } from './events';
import { routedTo } from './routing';

export { deliver, type DeliveryOutcome } from './deliver';

export type NotificationInput = {
  event: NotificationEventName;
  occurredAt: Date;
  /** The secret the event is about; absent for a discovery digest, which names its scan. */
  secretId?: string;
  /** A completed discovery scan's new unmanaged secrets (count and the first names). */
  discovery?: { connectionId: string; connection: string; scanId: string; newUnmanaged: number; names: string[] };
  /** The rotation run the event is about, if any; its current state (in this transaction) is sent. */
  runId?: string;
  /** The two-person-rule request the event is about, if any; its state in this transaction is sent. */
  approvalId?: string;
  /** A person's words, e.g. why the secret was marked compromised. Never a value. */
  reason?: string;
  /** rotation.held: the consumers still on the old value, by label. */
  stragglers?: string[];
};

/** The dashboard's own address, for links in notifications (npm start and compose set it). */
export function dashboardUrl(path: string): string {
  const base = (env().NEXTAUTH_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  return `${base}${path}`;
}

/** Builds the payload from the rows as this transaction sees them. */
async function payloadFor(tx: Tx, input: NotificationInput): Promise<NotificationPayload> {
  if (!input.secretId) {
    return ZNotificationPayload.parse({
      event: input.event,
      occurredAt: input.occurredAt.toISOString(),
      discovery: input.discovery,
      url: dashboardUrl(`/settings/providers/${input.discovery?.connectionId ?? ''}`),
    });
  }
  const secret = await tx.secret.findUniqueOrThrow({
    where: { id: input.secretId },
    select: { id: true, name: true, expiresAt: true, environment: { select: { name: true } }, ownerTeam: { select: { name: true } } },
  });
  const run = input.runId
    ? await tx.rotationRun.findUniqueOrThrow({
        where: { id: input.runId },
        select: { id: true, strategy: true, trigger: true, state: true },
      })
    : undefined;
  const approval = input.approvalId
    ? await tx.changeApproval.findUniqueOrThrow({
        where: { id: input.approvalId },
        select: { id: true, kind: true, state: true, requestedByEmail: true, decidedByEmail: true },
      })
    : undefined;
  return ZNotificationPayload.parse({
    event: input.event,
    occurredAt: input.occurredAt.toISOString(),
    secret: { id: secret.id, name: secret.name, environment: secret.environment.name, ownerTeam: secret.ownerTeam.name },
    run,
    approval: approval && {
      id: approval.id,
      kind: approval.kind,
      state: approval.state,
      requestedBy: approval.requestedByEmail,
      decidedBy: approval.decidedByEmail,
    },
    expiresAt: input.event === 'secret.expiring' ? secret.expiresAt?.toISOString() : undefined,
    reason: input.reason?.slice(0, 1000),
    stragglers: input.stragglers?.slice(0, 50).map((label) => label.slice(0, 300)),
    url: dashboardUrl(`/inventory/${secret.id}`),
  });
}

/**
 * Records one pending delivery per enabled channel subscribed to the event and routed to
 * its secret, in `tx`.
 * Returns their ids: pass them to enqueueDeliveries() once the transaction committed.
 */
export async function notify(tx: Tx, input: NotificationInput): Promise<string[]> {
  const subject = input.secretId
    ? await tx.secret.findUniqueOrThrow({ where: { id: input.secretId }, select: { ownerTeamId: true, environmentId: true, classification: true } })
    : null;
  // A channel in digest mode hears about due and overdue secrets in its daily digest only (./digest.ts).
  const digested = input.event === 'rotation.due_soon' || input.event === 'rotation.overdue';
  const channels = await tx.notificationChannel.findMany({
    where: { enabled: true, events: { has: input.event }, ...(digested ? { dueDigest: false } : {}), ...routedTo(subject) },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  if (channels.length === 0) return [];
  const payload = (await payloadFor(tx, input)) as Prisma.InputJsonValue;
  const rows = await tx.notificationDelivery.createManyAndReturn({
    data: channels.map((c) => ({ channelId: c.id, event: input.event, payload })),
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Sends one notification-deliver job per delivery (a no-op for ones already queued). */
export async function enqueueDeliveries(deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  const boss = await jobSender();
  for (const deliveryId of deliveryIds) {
    const data: NotificationDeliverData = { deliveryId };
    await boss.send(QUEUE.notificationDeliver, data, notificationDeliverSendOptions(deliveryId));
  }
}
