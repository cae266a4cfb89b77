// The Orphans report over seeded secrets, consumers, systems, access events and discovery
// rows: each section's rows and evidence, its order and keyset pages, its scope (the
// inventory's), who gets the decommission suggestion, and the reason it fills in.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { listOrphans, orphanCounts, type OrphanItem } from '@/lib/data/orphans';
import { listSecrets } from '@/lib/data/secrets';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import { decommissionHref, decommissionReason, suggestedDecommissionReason } from '@/lib/validation/orphans';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { callerAs, environmentId, joinOwningTeam, seedConnection, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const NOW = new Date('2026-12-06T12:00:00Z');
const clock = new ManualClock(NOW);
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
let n = 0;

type Fields = {
  classification?: 'critical' | 'important' | 'sensitive';
  connectionId?: string;
  providerKey?: string;
  lastReadAt?: Date;
  status?: 'active' | 'deprecated' | 'decommissioned';
  teamId?: string;
};

async function secret(fields: Fields = {}) {
  const teamId = fields.teamId ?? (await seedTeam()).id;
  n += 1;
  return db.secret.create({
    data: {
      name: `orphan-${n}-${randomUUID().slice(0, 6)}`,
      environmentId: await environmentId(),
      ownerTeamId: teamId,
      classification: fields.classification ?? 'important',
      status: fields.status ?? 'active',
      providerKind: fields.connectionId ? 'aws' : 'other',
      providerRef: fields.providerKey ?? '',
      providerKey: fields.providerKey ?? '',
      connectionId: fields.connectionId ?? null,
      lastReadAt: fields.lastReadAt ?? null,
    },
    select: { id: true, name: true, ownerTeamId: true },
  });
}

async function read(connectionId: string, secretId: string, principal: string, at: Date, extra: Record<string, unknown> = {}) {
  await db.accessEvent.createMany({
    data: [
      {
        connectionId,
        secretId,
        providerEventId: `evt-${++n}`,
        occurredAt: at,
        eventName: 'GetSecretValue',
        principal,
        principalType: 'AssumedRole',
        secretRef: 'ref',
        ...extra,
      },
    ],
  });
}

async function consumer(secretId: string, teamId: string, principals: string[] = []) {
  const system = await seedSystem(teamId);
  if (principals.length) await db.system.update({ where: { id: system.id }, data: { principals } });
  await db.secretConsumer.create({ data: { secretId, systemId: system.id } });
  return system;
}

/** An AWS connection whose access logs have been read (coverage "ok"). */
async function loggedConnection() {
  const connection = await seedConnection('aws', { region: 'eu-west-1' });
  await db.accessIngestionCursor.create({ data: { connectionId: connection.id, lastRunAt: NOW, completedRuns: 2 } });
  return connection;
}

async function all(
  role: Parameters<typeof callerAs>[0] | Awaited<ReturnType<typeof callerAs>>,
  tab: 'unconsumed' | 'unread' | 'silent' | 'undeclared',
  days = 90,
) {
  const caller = typeof role === 'object' && role !== null ? role : await callerAs(role);
  const items: OrphanItem[] = [];
  let after: string | undefined;
  do {
    const page = await listOrphans(caller, { tab, days, after }, clock);
    items.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after);
  return items;
}

const byId = (items: OrphanItem[], id: string) => items.filter((i) => i.id === id);

describe('orphans report', () => {
  it('lists secrets with no declared consumers, riskiest first, never the decommissioned', async () => {
    const logged = await loggedConnection();
    const team = await seedTeam();
    const sensitive = await secret({ classification: 'sensitive' });
    const critical = await secret({ classification: 'critical', connectionId: logged.id, providerKey: 'a', lastReadAt: ago(10) });
    const criticalNever = await secret({ classification: 'critical', connectionId: logged.id, providerKey: 'b' });
    const consumed = await secret({ classification: 'critical' });
    await consumer(consumed.id, team.id);
    const gone = await secret({ classification: 'critical', status: 'decommissioned' });

    const ids = (await all('viewer', 'unconsumed')).map((i) => i.id);
    expect(ids).not.toContain(consumed.id);
    expect(ids).not.toContain(gone.id);
    // Critical before sensitive; within critical, never read before read 10 days ago.
    expect(ids.filter((id) => [sensitive.id, critical.id, criticalNever.id].includes(id))).toEqual([criticalNever.id, critical.id, sensitive.id]);
  });

  it('says when a secret was last read (newer of logs and provider date), never read, or has no access data', async () => {
    const logged = await loggedConnection();
    const discoveredOnly = await seedConnection('aws', { region: 'eu-west-1' });
    const gcpOff = await seedConnection('gcp', { projectId: 'acme' });
    await db.accessIngestionCursor.create({ data: { connectionId: gcpOff.id, lastRunAt: NOW, completedRuns: 3, dataAccessLogsSeen: false } });

    const oldLogs = await secret({ classification: 'critical', connectionId: logged.id, providerKey: 'old', lastReadAt: ago(120) });
    const fresh = await secret({ classification: 'critical', connectionId: logged.id, providerKey: 'fresh', lastReadAt: ago(5) });
    const never = await secret({ classification: 'critical', connectionId: logged.id, providerKey: 'never' });
    // Logs say 200 days, the provider's own date says 40: read 40 days ago (unread at 30, not at 90).
    const providerNewer = await secret({ classification: 'critical', connectionId: discoveredOnly.id, providerKey: 'pn', lastReadAt: ago(200) });
    await db.discoveredSecret.create({
      data: {
        connectionId: discoveredOnly.id,
        providerKey: 'pn',
        resourceName: 'arn:aws:secretsmanager:eu-west-1:1:secret:pn',
        lastAccessedAt: ago(40),
        firstSeenAt: ago(300),
        lastSeenAt: NOW,
        lastScanId: randomUUID(),
      },
    });
    const unconnected = await secret({ classification: 'critical' });
    const logsOff = await secret({ classification: 'critical', connectionId: gcpOff.id, providerKey: 'off' });

    const unread90 = await all('viewer', 'unread', 90);
    const ids = unread90.map((i) => i.id);
    expect(ids).toContain(oldLogs.id);
    expect(ids).toContain(never.id);
    expect(ids).not.toContain(fresh.id);
    expect(ids).not.toContain(providerNewer.id);
    expect(byId(unread90, oldLogs.id)[0].read).toMatchObject({ lastReadAt: ago(120).toISOString(), hasAccessData: true, logs: 'ok' });
    expect(byId(unread90, never.id)[0].read).toMatchObject({ lastReadAt: null, hasAccessData: true });
    expect(byId(unread90, unconnected.id)[0].read).toMatchObject({ hasAccessData: false, logs: 'no_connection' });
    expect(byId(unread90, logsOff.id)[0].read).toMatchObject({ hasAccessData: false, logs: 'data_access_off' });
    // Evidence first: never read, then oldest read, then the secrets with no access data.
    const mine = ids.filter((id) => [oldLogs.id, never.id, unconnected.id, logsOff.id].includes(id));
    expect(mine.slice(0, 2)).toEqual([never.id, oldLogs.id]);
    expect(new Set(mine.slice(2))).toEqual(new Set([unconnected.id, logsOff.id]));

    const unread30 = await all('viewer', 'unread', 30);
    expect(byId(unread30, providerNewer.id)[0].read).toMatchObject({
      lastReadAt: ago(40).toISOString(),
      logsLastReadAt: ago(200).toISOString(),
      providerLastReadAt: ago(40).toISOString(),
      hasAccessData: true,
    });
  });

  it('lists declared consumers with no read by their identities in the window, only where logs tell', async () => {
    const logged = await loggedConnection();
    const team = await seedTeam();
    const s = await secret({ classification: 'critical', connectionId: logged.id, providerKey: 'silent', lastReadAt: ago(3) });
    const byPrincipal = await consumer(s.id, team.id, ['arn:aws:iam::1:role/Billing-Runner']);
    const byName = await consumer(s.id, team.id);
    const silent = await consumer(s.id, team.id, ['arn:aws:iam::1:role/reports']);
    const failedOnly = await consumer(s.id, team.id, ['arn:aws:iam::1:role/denied']);
    const tooOld = await consumer(s.id, team.id, ['arn:aws:iam::1:role/old']);
    await read(logged.id, s.id, 'arn:aws:iam::1:role/billing-runner', ago(3));
    await read(logged.id, s.id, `arn:aws:iam::1:role/${byName.name}`, ago(20));
    await read(logged.id, s.id, 'arn:aws:iam::1:role/denied', ago(2), { errorCode: 'AccessDenied' });
    await read(logged.id, s.id, 'arn:aws:iam::1:role/old', ago(100));
    await read(logged.id, s.id, 'arn:aws:iam::1:role/reports', ago(1), { eventName: 'PutSecretValue' });
    // No logs for this one: its consumers' silence says nothing.
    const unlogged = await secret({ classification: 'critical' });
    await consumer(unlogged.id, team.id);

    const rows = await all('viewer', 'silent');
    expect(byId(rows, unlogged.id)).toEqual([]);
    expect(new Set(byId(rows, s.id).map((r) => r.system?.id))).toEqual(new Set([silent.id, failedOnly.id, tooOld.id]));
    expect(byId(rows, s.id).map((r) => r.system?.id)).not.toContain(byPrincipal.id);
    // A wider window reaches the old read.
    expect(byId(await all('viewer', 'silent', 180), s.id).map((r) => r.system?.id)).not.toContain(tooOld.id);
  });

  it('lists readers that belong to no declared consumer, with their reads, org-wide', async () => {
    const logged = await loggedConnection();
    const team = await seedTeam();
    // last_read_at as ingestion keeps it (the newest logged read).
    const s1 = await secret({ classification: 'critical', connectionId: logged.id, providerKey: 'u1', lastReadAt: ago(1) });
    const s2 = await secret({ classification: 'sensitive', connectionId: logged.id, providerKey: 'u2', lastReadAt: ago(6) });
    const declared = await consumer(s1.id, team.id);
    await read(logged.id, s1.id, `arn:aws:iam::1:role/${declared.name}`, ago(1));
    await read(logged.id, s1.id, 'arn:aws:iam::1:user/mallory', ago(10));
    await read(logged.id, s1.id, 'arn:aws:iam::1:user/mallory', ago(4));
    await read(logged.id, s1.id, 'arn:aws:iam::1:user/eve', ago(2), { errorCode: 'AccessDenied' });
    await read(logged.id, s1.id, 'arn:aws:iam::1:user/ancient', ago(200));
    // Declared for s1 only: on s2 the same identity is undeclared.
    await read(logged.id, s2.id, `arn:aws:iam::1:role/${declared.name}`, ago(6));

    const rows = await all('viewer', 'undeclared');
    expect(byId(rows, s1.id).map((r) => r.reader)).toEqual([
      {
        principal: 'arn:aws:iam::1:user/mallory',
        principalType: 'AssumedRole',
        reads: 2,
        firstReadAt: ago(10).toISOString(),
        lastReadAt: ago(4).toISOString(),
      },
    ]);
    expect(byId(rows, s2.id).map((r) => r.reader?.principal)).toEqual([`arn:aws:iam::1:role/${declared.name}`]);
    // Critical before sensitive.
    const order = rows.map((r) => r.id).filter((id) => id === s1.id || id === s2.id);
    expect(order).toEqual([s1.id, s2.id]);
  });

  it('pages by keyset through more than a page, each row once, in order', async () => {
    const team = await seedTeam();
    const env = await environmentId('staging');
    await db.secret.createMany({
      data: Array.from({ length: 130 }, (_, i) => ({
        name: `bulk-orphan-${i}-${randomUUID().slice(0, 6)}`,
        environmentId: env,
        ownerTeamId: team.id,
        classification: (['critical', 'important', 'sensitive'] as const)[i % 3],
        lastReadAt: i % 2 ? ago(i) : null,
      })),
    });
    const viewer = await callerAs('viewer');
    const first = await listOrphans(viewer, { tab: 'unconsumed' }, clock);
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const items = await all(viewer, 'unconsumed');
    const mine = items.filter((i) => i.ownerTeam.id === team.id);
    expect(new Set(mine.map((i) => i.id)).size).toBe(130);
    const rank = { critical: 0, important: 1, sensitive: 2 };
    const classes = items.map((i) => rank[i.classification]);
    expect(classes).toEqual([...classes].sort((a, b) => a - b));
    const counts = await orphanCounts(viewer, {}, clock);
    expect(counts.unconsumed).toBe(items.length);
    // A tampered cursor reads as the first page rather than failing.
    const bad = Buffer.from(JSON.stringify(['critical', 'nope', '-infinity', randomUUID()])).toString('base64url');
    expect((await listOrphans(viewer, { tab: 'unconsumed', after: bad }, clock)).items[0].id).toBe(first.items[0].id);
  });

  it('pages the pair sections (consumers, readers) by keyset, each pair once', async () => {
    const logged = await loggedConnection();
    const team = await seedTeam();
    const quiet = [await seedSystem(team.id), await seedSystem(team.id)];
    const mine = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const s = await secret({ classification: 'critical', connectionId: logged.id, providerKey: `pairs-${i}`, lastReadAt: ago(1 + (i % 5)) });
      mine.add(s.id);
      await db.secretConsumer.createMany({ data: quiet.map((q) => ({ secretId: s.id, systemId: q.id })) });
      for (const who of ['alice', 'bob']) await read(logged.id, s.id, `arn:aws:iam::1:user/pairs-${who}`, ago(1 + (i % 5)));
    }
    const viewer = await callerAs('viewer');
    for (const [tab, partner] of [
      ['silent', (i: OrphanItem) => i.system?.id],
      ['undeclared', (i: OrphanItem) => i.reader?.principal],
    ] as const) {
      const first = await listOrphans(viewer, { tab }, clock);
      expect(first.nextCursor).not.toBeNull();
      const pairs = (await all(viewer, tab)).filter((i) => mine.has(i.id)).map((i) => `${i.id}/${partner(i)}`);
      expect(pairs).toHaveLength(60);
      expect(new Set(pairs).size).toBe(60);
    }
  });

  it('is scoped like the inventory: what a viewer of one team sees here, the inventory shows them too', async () => {
    const teamA = await seedTeam();
    const teamB = await seedTeam();
    const a = await secret({ teamId: teamA.id, classification: 'critical' });
    const b = await secret({ teamId: teamB.id, classification: 'critical' });
    const viewer = await joinOwningTeam(await callerAs('viewer'), a.id);
    const rows = await all(viewer, 'unconsumed');
    // The inventory shows every team's secrets to a viewer, so the report does too.
    for (const [team, s] of [
      [teamA, a],
      [teamB, b],
    ] as const) {
      const inventory = await listSecrets(viewer, parseSecretListQuery({ owner: team.id }));
      expect(inventory.items.map((i) => i.id)).toEqual([s.id]);
      expect(byId(rows, s.id)).toHaveLength(1);
    }

    await expect(listOrphans(await callerAs(null), { tab: 'unconsumed' }, clock)).rejects.toBeInstanceOf(ForbiddenError);
    const denied = await db.auditEvent.findMany({ where: { action: 'orphans.list', outcome: 'denied' } });
    expect(denied.length).toBeGreaterThan(0);
  });

  it('suggests decommissioning only to those who may (engineer of the owning team, admin), with the reason filled in', async () => {
    const logged = await loggedConnection();
    const s = await secret({ classification: 'critical', connectionId: logged.id, providerKey: 'dec', lastReadAt: new Date('2026-09-03T08:00:00Z') });
    const member = await joinOwningTeam(await callerAs('engineer'), s.id);
    const suggestionFor = async (caller: Awaited<ReturnType<typeof callerAs>>, tab: 'unconsumed' | 'unread') =>
      byId(await all(caller, tab), s.id)[0].suggestion;

    const reason = 'Not read in 94 days (last read 2026-09-03); no declared consumers';
    expect(await suggestionFor(member, 'unread')).toBe(reason);
    expect(await suggestionFor(member, 'unconsumed')).toBe(reason);
    expect(await suggestionFor(await callerAs('admin'), 'unread')).toBe(reason);
    expect(await suggestionFor(await callerAs('engineer'), 'unread')).toBeNull();
    expect(await suggestionFor(await callerAs('viewer'), 'unread')).toBeNull();
    // Read last week and declared by nobody: in use, so nothing to suggest (declare its consumers instead).
    const inUse = await secret({ classification: 'critical', connectionId: logged.id, providerKey: 'in-use', lastReadAt: ago(7), teamId: s.ownerTeamId });
    expect(byId(await all(member, 'unconsumed'), inUse.id)[0].suggestion).toBeNull();
    // Nothing tells whether it is read: the missing consumers alone.
    const unknown = await secret({ classification: 'critical', teamId: s.ownerTeamId });
    expect(byId(await all(member, 'unconsumed'), unknown.id)[0].suggestion).toBe('No declared consumers');
    expect(byId(await all(member, 'unread'), unknown.id)[0].suggestion).toBeNull();

    // The secret page reads it back from the link, bounded like the form's own field.
    const href = decommissionHref(s.id, reason);
    const params = Object.fromEntries(new URL(href, 'http://x').searchParams);
    expect(suggestedDecommissionReason(params)).toBe(reason);
    expect(suggestedDecommissionReason({ decommissionReason: 'x'.repeat(501) })).toBeUndefined();
    expect(suggestedDecommissionReason({ decommissionReason: ' ' })).toBeUndefined();
    expect(suggestedDecommissionReason({ decommissionReason: ['No declared consumers', 'other'] })).toBe('No declared consumers');
    expect(decommissionReason({ lastReadAt: null, hasAccessData: false, consumerCount: 0 }, NOW)).toBe('No declared consumers');
    expect(decommissionReason({ lastReadAt: null, hasAccessData: true, consumerCount: 2 }, NOW)).toBe('Never read in the provider access history');
  });
});
