// Notification channels (Settings → Notifications): webhooks and email recipient lists that
// hear about rotations and compromised secrets, routed to chosen teams, environments and
// classifications (lib/notifications/routing.ts). Administrators only. A channel stores its
// URL (which may carry the receiver's own token, as Slack's do) but no signing key: that is
// derived on demand (lib/notifications/signing.ts). Audit events record URLs masked, never
// whole. The SMTP server is configuration (SMTP_URL), never a channel's.
import 'server-only';
import { createHash } from 'node:crypto';
import type { ChannelKind, Classification, DeliveryStatus } from '@/generated/prisma/enums';
import { changedFields } from '@/lib/audit/changes';
import { recordAudit } from '@/lib/audit/record';
import { insertAudited } from './audited-insert';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { appClock } from '@/lib/clock';
import { db, type Tx } from '@/lib/db';
import { refusingTakenName } from '@/lib/db/unique-name';
import { InputError, NotFoundError } from '@/lib/errors';
import { egressRefusalForUrl } from '@/lib/net/egress';
import { deliver } from '@/lib/notifications/deliver';
import { emailConfigured } from '@/lib/notifications/email';
import { TEST_EVENT, ZNotificationPayload, type NotificationEventName, type NotificationPayload } from '@/lib/notifications/events';
import { dashboardUrl } from '@/lib/notifications/notify';
import { channelSigningKey } from '@/lib/notifications/signing';
import { parseInput } from '@/lib/validation/parse';
import { ZChannelInput, type TChannelInput } from '@/lib/validation/notification-channel';
import { decodeCursor, encodeCursor, keysetPage } from '@/lib/db/cursor';
import { uuidOrNil } from '@/lib/validation/ids';
import { assertNotStale } from '@/lib/db/stale-edit';
import { updateAudited } from './audited-update';
import { lockedRow } from './locked-row';

export type LastDelivery = { status: DeliveryStatus; createdAt: string; lastStatusCode: number | null };

/** A channel's routing by name, for lists; empty lists mean "all". */
export type RouteSummary = { teams: string[]; environments: string[]; classifications: Classification[] };

export type ChannelListItem = {
  id: string;
  name: string;
  kind: ChannelKind;
  /** Scheme, host and first path segment only: the rest may be the receiver's token. Empty for email. */
  maskedUrl: string;
  /** An email channel's addresses (empty for webhooks). */
  recipients: string[];
  events: NotificationEventName[];
  route: RouteSummary;
  /** Due and overdue arrive as one daily digest (lib/notifications/digest.ts), not one notice per secret. */
  dueDigest: boolean;
  enabled: boolean;
  updatedAt: string;
  lastDelivery: LastDelivery | null;
};

export type ChannelDetail = Omit<ChannelListItem, 'lastDelivery'> & {
  url: string | null;
  teamIds: string[];
  environmentIds: string[];
  classifications: Classification[];
  /** The derived key receivers verify signatures with (admins only, like the page). */
  signingKey: string;
  createdAt: string;
};

export type DeliveryListItem = {
  id: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** What the event was about, from the stored payload. */
  secretName: string | null;
  environment: string | null;
  test: boolean;
};

export type DeliveryPage = { items: DeliveryListItem[]; nextCursor: string | null; total: number };

export const DELIVERY_PAGE_SIZE = 25;

/** https://hooks.slack.com/services/… : enough to recognise, not enough to post to. */
export function maskUrl(url: string | null): string {
  if (url === null) return '';
  try {
    const parsed = new URL(url);
    const first = parsed.pathname.split('/').filter(Boolean)[0];
    const more = parsed.pathname.split('/').filter(Boolean).length > 1 || parsed.search;
    return `${parsed.origin}${first ? `/${first}` : ''}${more ? '/…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/** For audit changes: the masked URL plus a short hash, so a changed token still shows as a change. */
const auditUrl = (url: string | null) => (url === null ? null : `${maskUrl(url)} #${createHash('sha256').update(url).digest('hex').slice(0, 8)}`);

const select = {
  id: true,
  name: true,
  kind: true,
  url: true,
  recipients: true,
  events: true,
  teamIds: true,
  environmentIds: true,
  classifications: true,
  dueDigest: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
} as const;

type Row = {
  id: string;
  name: string;
  kind: ChannelKind;
  url: string | null;
  recipients: string[];
  events: string[];
  teamIds: string[];
  environmentIds: string[];
  classifications: Classification[];
  dueDigest: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

const eventsOf = (row: Row) => row.events as NotificationEventName[];

/** Team and environment names for the routing of `rows` (ids no longer known are left out). */
async function routeSummaries(rows: Row[]): Promise<(row: Row) => RouteSummary> {
  const teamIds = [...new Set(rows.flatMap((r) => r.teamIds))];
  const environmentIds = [...new Set(rows.flatMap((r) => r.environmentIds))];
  const [teams, environments] = await Promise.all([
    teamIds.length ? db.team.findMany({ where: { id: { in: teamIds } }, select: { id: true, name: true } }) : [],
    environmentIds.length ? db.environment.findMany({ where: { id: { in: environmentIds } }, select: { id: true, name: true } }) : [],
  ]);
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const environmentName = new Map(environments.map((e) => [e.id, e.name]));
  const names = (ids: string[], known: Map<string, string>) => ids.flatMap((id) => (known.has(id) ? [known.get(id)!] : [])).sort();
  return (row) => ({ teams: names(row.teamIds, teamName), environments: names(row.environmentIds, environmentName), classifications: row.classifications });
}

export type ChannelFormOptions = {
  teams: { id: string; name: string }[];
  environments: { id: string; name: string }[];
  /** Whether SMTP_URL is set, so email channels can send. */
  emailConfigured: boolean;
};

/** What the channel form offers: the teams and environments to route to, and whether email works. */
export async function channelFormOptions(caller: Caller): Promise<ChannelFormOptions> {
  await authorize(caller, 'admin.notifications', { action: 'notification_channel.read', targetType: 'notification_channel' });
  const [teams, environments] = await Promise.all([
    db.team.findMany({ select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    db.environment.findMany({ select: { id: true, name: true }, orderBy: [{ position: 'asc' }, { name: 'asc' }] }),
  ]);
  return { teams, environments, emailConfigured: emailConfigured() };
}

// ---------------------------------------------------------------------------
// Reading

export async function listChannels(caller: Caller): Promise<ChannelListItem[]> {
  await authorize(caller, 'admin.notifications', { action: 'notification_channel.list', targetType: 'notification_channel' });
  const rows = await db.notificationChannel.findMany({
    select: {
      ...select,
      deliveries: { select: { status: true, createdAt: true, lastStatusCode: true }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1 },
    },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  const routeOf = await routeSummaries(rows);
  return rows.map((r) => {
    const last = r.deliveries[0];
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      maskedUrl: maskUrl(r.url),
      recipients: r.recipients,
      events: eventsOf(r),
      route: routeOf(r),
      dueDigest: r.dueDigest,
      enabled: r.enabled,
      updatedAt: r.updatedAt.toISOString(),
      lastDelivery: last ? { status: last.status, createdAt: last.createdAt.toISOString(), lastStatusCode: last.lastStatusCode } : null,
    };
  });
}

export async function getChannel(caller: Caller, id: string): Promise<ChannelDetail> {
  await authorize(caller, 'admin.notifications', {
    action: 'notification_channel.read',
    targetType: 'notification_channel',
    targetId: id,
  });
  const row = await db.notificationChannel.findUnique({ where: { id: uuidOrNil(id) }, select });
  if (!row) throw new NotFoundError('This channel does not exist.');
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    url: row.url,
    maskedUrl: maskUrl(row.url),
    recipients: row.recipients,
    events: eventsOf(row),
    teamIds: row.teamIds,
    environmentIds: row.environmentIds,
    classifications: row.classifications,
    route: (await routeSummaries([row]))(row),
    dueDigest: row.dueDigest,
    enabled: row.enabled,
    signingKey: channelSigningKey(row.id),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A channel's deliveries, newest first, paged by (createdAt, id). */
export async function listDeliveries(caller: Caller, channelId: string, query: { after?: string } = {}): Promise<DeliveryPage> {
  await authorize(caller, 'admin.notifications', {
    action: 'notification_delivery.list',
    targetType: 'notification_channel',
    targetId: channelId,
  });
  const id = uuidOrNil(channelId);
  const channel = await db.notificationChannel.findUnique({ where: { id }, select: { id: true } });
  if (!channel) throw new NotFoundError('This channel does not exist.');
  const cursor = decodeCursor(query.after);
  const cursorTime = cursor?.value ? new Date(cursor.value) : null;
  const before =
    cursor && cursorTime && !Number.isNaN(cursorTime.getTime())
      ? { OR: [{ createdAt: { lt: cursorTime } }, { createdAt: cursorTime, id: { lt: cursor.id } }] }
      : {};
  const [rows, total] = await Promise.all([
    db.notificationDelivery.findMany({
      where: { channelId: id, ...before },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: DELIVERY_PAGE_SIZE + 1,
      select: {
        id: true,
        event: true,
        status: true,
        attempts: true,
        lastStatusCode: true,
        lastError: true,
        createdAt: true,
        deliveredAt: true,
        payload: true,
      },
    }),
    db.notificationDelivery.count({ where: { channelId: id } }),
  ]);
  const page = keysetPage(
    rows,
    DELIVERY_PAGE_SIZE,
    (r): DeliveryListItem => {
      const payload = ZNotificationPayload.safeParse(r.payload);
      return {
        id: r.id,
        event: r.event,
        status: r.status,
        attempts: r.attempts,
        lastStatusCode: r.lastStatusCode,
        lastError: r.lastError,
        createdAt: r.createdAt.toISOString(),
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
        // A discovery digest names its connection, a due digest its route, where other events name their secret.
        secretName: payload.success ? (payload.data.secret?.name ?? payload.data.discovery?.connection ?? payload.data.digest?.route ?? null) : null,
        environment: payload.success ? (payload.data.secret?.environment ?? null) : null,
        test: payload.success ? payload.data.test === true : false,
      };
    },
    (last) => encodeCursor(last.createdAt.toISOString(), last.id),
  );
  return { ...page, total };
}

// ---------------------------------------------------------------------------
// Writing

const AUDITED_FIELDS = ['name', 'kind', 'url', 'recipients', 'events', 'teamIds', 'environmentIds', 'classifications', 'dueDigest', 'enabled'] as const;

type Audited = Pick<Row, (typeof AUDITED_FIELDS)[number]>;
const audited = (c: Audited): Audited => ({ ...c, url: auditUrl(c.url) });

function columnsOf(input: TChannelInput): Audited {
  const { name, kind, url, recipients, events, teamIds, environmentIds, classifications, dueDigest, enabled } = input;
  return { name, kind, url, recipients, events, teamIds, environmentIds, classifications, dueDigest, enabled };
}

/**
 * Checks before anything is saved: a URL whose host the egress policy refuses is a field
 * error (deliveries check again at connect time, as the name may resolve elsewhere later),
 * and so is a team or environment that does not exist (any longer).
 */
async function assertSavable(input: TChannelInput): Promise<void> {
  const refusal = input.url ? await egressRefusalForUrl(input.url) : null;
  if (refusal) throw new InputError(refusal, { url: [refusal] });
  const [teams, environments] = await Promise.all([
    db.team.count({ where: { id: { in: input.teamIds } } }),
    db.environment.count({ where: { id: { in: input.environmentIds } } }),
  ]);
  if (teams !== input.teamIds.length) throw new InputError('A chosen team no longer exists.', { teamIds: ['A chosen team no longer exists; reload the page'] });
  if (environments !== input.environmentIds.length) {
    throw new InputError('A chosen environment no longer exists.', { environmentIds: ['A chosen environment no longer exists; reload the page'] });
  }
}

function nameTaken(): InputError {
  return new InputError('A channel with this name already exists.', { name: ['A channel with this name already exists'] });
}

export async function createChannel(caller: Caller, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'admin.notifications', { action: 'notification_channel.create', targetType: 'notification_channel' });
  const input = parseInput(ZChannelInput, raw);
  await assertSavable(input);
  const columns = columnsOf(input);
  const audit = {
    action: 'notification_channel.create',
    targetType: 'notification_channel',
    changes: () => changedFields(null, audited(columns), AUDITED_FIELDS),
  };
  return refusingTakenName(nameTaken, () => insertAudited(caller, audit, (tx: Tx) => tx.notificationChannel.create({ data: columns, select: { id: true } })));
}

function lockChannel(tx: Tx, id: string): Promise<Row> {
  return lockedRow(tx, 'notification_channels', id, (key) => tx.notificationChannel.findUnique({ where: { id: key }, select }), 'This channel does not exist.');
}

export async function updateChannel(caller: Caller, id: string, raw: unknown): Promise<{ id: string }> {
  await authorize(caller, 'admin.notifications', {
    action: 'notification_channel.update',
    targetType: 'notification_channel',
    targetId: id,
  });
  const input = parseInput(ZChannelInput, raw);
  await assertSavable(input);
  const columns = columnsOf(input);
  return refusingTakenName(nameTaken, () =>
    db.$transaction(async (tx) => {
      const before = await lockChannel(tx, id);
      assertNotStale(input.expectedUpdatedAt, before.updatedAt, 'channel');
      const changes = changedFields(audited(before), audited(columns), AUDITED_FIELDS);
      const audit = { action: 'notification_channel.update', targetType: 'notification_channel', targetId: before.id, changes };
      await updateAudited(tx, caller, audit, () => tx.notificationChannel.update({ where: { id: before.id }, data: columns }));
      return { id: before.id };
    }),
  );
}

/** Deletes the channel and its delivery history (pending deliveries are dropped). */
export async function deleteChannel(caller: Caller, id: string): Promise<{ id: string }> {
  await authorize(caller, 'admin.notifications', {
    action: 'notification_channel.delete',
    targetType: 'notification_channel',
    targetId: id,
  });
  return db.$transaction(async (tx) => {
    const before = await lockChannel(tx, id);
    await tx.notificationChannel.delete({ where: { id: before.id } });
    await recordAudit(tx, caller, {
      action: 'notification_channel.delete',
      targetType: 'notification_channel',
      targetId: before.id,
      changes: changedFields(audited(before), {}, AUDITED_FIELDS),
    });
    return { id: before.id };
  });
}

// ---------------------------------------------------------------------------
// Testing

export type TestEventOutcome = { delivered: boolean; statusCode: number | null; error: string | null };

/** An example secret for test events: obviously not a real one. */
const TEST_SECRET = {
  id: '00000000-0000-4000-8000-000000000000',
  name: 'example-api-key',
  environment: 'production',
  ownerTeam: 'Example team',
} as const;

/**
 * Posts a test event to the channel now (enabled or not, one attempt, no retries) and
 * records it in the delivery history like any other, so the admin sees at once whether
 * the receiver accepts our signed posts.
 */
export async function sendTestEvent(caller: Caller, id: string): Promise<TestEventOutcome> {
  await authorize(caller, 'admin.notifications', {
    action: 'notification_channel.test',
    targetType: 'notification_channel',
    targetId: id,
  });
  const channel = await db.notificationChannel.findUnique({ where: { id: uuidOrNil(id) }, select: { id: true } });
  if (!channel) throw new NotFoundError('This channel does not exist.');
  const clock = appClock();
  const payload: NotificationPayload = ZNotificationPayload.parse({
    event: TEST_EVENT,
    occurredAt: clock.now().toISOString(),
    secret: TEST_SECRET,
    reason: 'A test event sent from Settings → Notifications.',
    url: dashboardUrl(`/settings/notifications/${channel.id}`),
    test: true,
  });
  const delivery = await db.notificationDelivery.create({
    data: { channelId: channel.id, event: TEST_EVENT, payload },
    select: { id: true },
  });
  const outcome = await deliver(delivery.id, { finalAttempt: true, evenIfDisabled: true, clock });
  const delivered = outcome.status === 'delivered';
  await recordAudit(db, caller, {
    action: 'notification_channel.test',
    outcome: delivered ? 'success' : 'failed',
    targetType: 'notification_channel',
    targetId: channel.id,
    // The error is our own short text (never the receiver's answer), e.g. an egress refusal.
    detail: { deliveryId: delivery.id, statusCode: outcome.statusCode, ...(outcome.error ? { error: outcome.error } : {}) },
  });
  return { delivered, statusCode: outcome.statusCode, error: outcome.error };
}
