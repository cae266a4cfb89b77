// The daily due-and-overdue digest: for each enabled channel set to "one daily digest",
// ONE delivery listing its route's secrets that are overdue or inside their reminder
// window (the same window the per-secret "due soon" notice uses, lib/rotation/jobs.ts).
// Such channels get no per-secret due or overdue notices (./notify.ts), so a team lead
// routed to one team reads one message a day about that team, not one per secret.
//
// A digest lists at most DIGEST_MAX_ITEMS secrets (soonest due first) and counts the rest;
// its link opens the Rotation page filtered to the route where the filters can say it.
// Nothing to report, no message. Once per channel and day: the delivery row carries the
// day, unique per channel, so a second worker or a retried job records nothing new.
import 'server-only';
import type { Prisma } from '@/generated/prisma/client';
import type { Classification } from '@/generated/prisma/enums';
import type { Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { rotationHref } from '@/lib/validation/rotation-list';
import { DIGEST_EVENT, DIGEST_MAX_ITEMS, ZNotificationPayload, type NotificationPayload } from './events';
import { dashboardUrl, enqueueDeliveries } from './notify';

type Channel = { id: string; events: string[]; teamIds: string[]; environmentIds: string[]; classifications: Classification[] };

type DueRow = {
  id: string;
  name: string;
  environment: string;
  owner_team: string;
  next_due_at: Date;
  overdue: boolean;
  overdue_count: number;
  due_soon_count: number;
};

/** The UTC day `now` falls on, as YYYY-MM-DD. */
const utcDay = (now: Date) => now.toISOString().slice(0, 10);

/** The channel's route's due and overdue secrets: the first DIGEST_MAX_ITEMS, and both counts. */
async function dueFor(channel: Channel, now: Date): Promise<DueRow[]> {
  const overdue = channel.events.includes('rotation.overdue');
  const dueSoon = channel.events.includes('rotation.due_soon');
  return db.$queryRaw<DueRow[]>`
    WITH due AS (
      SELECT s.id, s.name, e.name AS environment, t.name AS owner_team, s.next_due_at, s.next_due_at <= ${now} AS overdue
      FROM secrets s
      JOIN classification_policies p ON p.classification = s.classification
      JOIN environments e ON e.id = s.environment_id
      JOIN teams t ON t.id = s.owner_team_id
      WHERE s.status = 'active' AND s.next_due_at IS NOT NULL
        AND s.next_due_at <= ${now}::timestamptz + make_interval(days => COALESCE(s.reminder_days, p.reminder_days))
        AND ((${overdue} AND s.next_due_at <= ${now}) OR (${dueSoon} AND s.next_due_at > ${now}))
        AND (cardinality(${channel.teamIds}::uuid[]) = 0 OR s.owner_team_id = ANY(${channel.teamIds}::uuid[]))
        AND (cardinality(${channel.environmentIds}::uuid[]) = 0 OR s.environment_id = ANY(${channel.environmentIds}::uuid[]))
        AND (cardinality(${channel.classifications}::"Classification"[]) = 0 OR s.classification = ANY(${channel.classifications}::"Classification"[]))
    )
    SELECT due.*,
      (SELECT count(*) FROM due WHERE overdue)::int AS overdue_count,
      (SELECT count(*) FROM due WHERE NOT overdue)::int AS due_soon_count
    FROM due
    ORDER BY next_due_at, id
    LIMIT ${DIGEST_MAX_ITEMS}`;
}

/** "Payments", "Payments, Search · production", or "All secrets": what the digest is about. */
async function routeLabel(channel: Channel): Promise<{ label: string; environmentName: string | undefined }> {
  const [teams, environments] = await Promise.all([
    db.team.findMany({ where: { id: { in: channel.teamIds } }, select: { name: true }, orderBy: { name: 'asc' } }),
    db.environment.findMany({ where: { id: { in: channel.environmentIds } }, select: { name: true }, orderBy: { name: 'asc' } }),
  ]);
  const parts = [teams.map((t) => t.name), environments.map((e) => e.name), channel.classifications].map((names) => names.join(', ')).filter(Boolean);
  const environmentName = environments.length === 1 ? environments[0]!.name : undefined;
  return { label: (parts.join(' · ') || 'All secrets').slice(0, 300), environmentName };
}

/** The Rotation page with the filters that say the route (one team, environment or classification each). */
function rotationLink(channel: Channel, environmentName: string | undefined, anyOverdue: boolean): string {
  const only = <T>(list: T[]) => (list.length === 1 ? list[0] : undefined);
  return dashboardUrl(
    rotationHref('/rotation', {
      tab: anyOverdue ? 'overdue' : 'soon',
      owner: only(channel.teamIds),
      env: environmentName,
      classification: only(channel.classifications),
    }),
  );
}

async function digestPayload(channel: Channel, rows: DueRow[], now: Date): Promise<NotificationPayload> {
  const { label, environmentName } = await routeLabel(channel);
  const overdue = rows[0]!.overdue_count;
  return ZNotificationPayload.parse({
    event: DIGEST_EVENT,
    occurredAt: now.toISOString(),
    digest: {
      day: utcDay(now),
      route: label,
      overdue,
      dueSoon: rows[0]!.due_soon_count,
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        environment: r.environment,
        ownerTeam: r.owner_team,
        dueAt: r.next_due_at.toISOString(),
        overdue: r.overdue,
      })),
    },
    url: rotationLink(channel, environmentName, overdue > 0),
  });
}

/**
 * Records and sends today's digest for every digest channel that has something to report
 * and has not had today's yet. Returns the delivery ids recorded by this call.
 */
export async function sendDueDigests(clock: Clock): Promise<string[]> {
  const now = clock.now();
  const day = utcDay(now);
  const channels = await db.notificationChannel.findMany({
    where: { enabled: true, dueDigest: true, events: { hasSome: ['rotation.due_soon', 'rotation.overdue'] } },
    select: { id: true, events: true, teamIds: true, environmentIds: true, classifications: true },
    orderBy: { id: 'asc' },
  });
  const recorded: string[] = [];
  for (const channel of channels) {
    const rows = await dueFor(channel, now);
    if (rows.length === 0) continue;
    const payload = (await digestPayload(channel, rows, now)) as Prisma.InputJsonValue;
    // The (channel, day) unique key turns a second run's insert into nothing.
    const created = await db.notificationDelivery.createManyAndReturn({
      data: [{ channelId: channel.id, event: DIGEST_EVENT, payload, digestDay: new Date(`${day}T00:00:00Z`) }],
      skipDuplicates: true,
      select: { id: true },
    });
    recorded.push(...created.map((c) => c.id));
  }
  await enqueueDeliveries(recorded);
  return recorded;
}
