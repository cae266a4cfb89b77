import { describe, expect, it } from 'vitest';
import { ACTION_NAME_RE, AUDIT_ACTIONS } from '@/lib/audit/actions';
import { listAuditActions, listAuditEvents } from '@/lib/data/audit-events';
import { auditListView } from '@/lib/data/audit-list-view';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import { parseAuditListQuery } from '@/lib/validation/audit-list';
import { callerAs, seedConnectedSecret, seedConnection, seedSystem, seedTeam, seedUser } from '../support/seed';
import { ownerDb, useTestDatabase } from '../support/test-database';

useTestDatabase();

let counter = 0;
const unique = (label: string) => `${label}${Date.now().toString(36)}${++counter}`;

type Seed = Partial<{
  occurredAt: Date;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: 'admin' | 'engineer' | 'viewer' | 'auditor' | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  environment: string | null;
  outcome: 'success' | 'denied' | 'failed';
  changes: object;
  detail: object;
}>;

/** Events written straight to the table, in order (ids ascend). Returns their ids as strings. */
async function seedEvents(events: Seed[]): Promise<string[]> {
  const ids: string[] = [];
  for (const e of events) {
    const row = await ownerDb().auditEvent.create({
      data: { action: 'test.seeded', outcome: 'success', ip: '192.0.2.7', userAgent: 'seed-agent', requestId: 'req-seed', ...e },
      select: { id: true },
    });
    ids.push(row.id.toString());
  }
  return ids;
}

async function ids(caller: Awaited<ReturnType<typeof callerAs>>, params: Record<string, string>) {
  return (await listAuditEvents(caller, parseAuditListQuery(params))).items.map((e) => e.id);
}

describe('audit trail filters', () => {
  it('filters by each field, newest first', async () => {
    const auditor = await callerAs('auditor');
    const alice = await seedUser('engineer', { email: `${unique('alice')}@corp.test` });
    const bob = await seedUser('viewer', { email: `${unique('bob')}@corp.test` });
    const action = `test.${unique('filters')}`;
    const secretId = crypto.randomUUID();
    const strangerEmail = `${unique('stranger')}@elsewhere.test`;
    const [a1, b1, a2, anon, a3] = await seedEvents([
      {
        action,
        actorId: alice.id,
        actorEmail: alice.email,
        actorRole: 'engineer',
        targetType: 'secret',
        targetId: secretId,
        outcome: 'success',
        occurredAt: new Date('2001-03-01T10:00:00Z'),
      },
      {
        action,
        actorId: bob.id,
        actorEmail: bob.email,
        actorRole: 'viewer',
        targetType: 'secret',
        targetId: secretId,
        outcome: 'denied',
        occurredAt: new Date('2001-03-02T23:59:59Z'),
      },
      {
        action,
        actorId: alice.id,
        actorEmail: alice.email,
        actorRole: 'engineer',
        targetType: 'team',
        targetId: 'team-1',
        outcome: 'failed',
        occurredAt: new Date('2001-03-03T00:00:00Z'),
      },
      { action, actorId: null, actorEmail: strangerEmail, targetType: 'user', outcome: 'failed', occurredAt: new Date('2001-03-04T08:00:00Z') },
      {
        action: `${action}_other`,
        actorId: alice.id,
        actorEmail: alice.email,
        actorRole: 'engineer',
        targetType: 'secret',
        targetId: secretId,
        occurredAt: new Date('2001-03-05T08:00:00Z'),
      },
    ]);

    expect(await ids(auditor, { action })).toEqual([anon, a2, b1, a1]);
    // actor: a user id, a whole email (also finds addresses without an account), part of an email
    expect(await ids(auditor, { action, actor: alice.id })).toEqual([a2, a1]);
    expect(await ids(auditor, { action, actor: bob.email.toUpperCase() })).toEqual([b1]);
    expect(await ids(auditor, { action, actor: strangerEmail })).toEqual([anon]);
    expect(await ids(auditor, { action, actor: alice.email.split('@')[0].slice(0, 8) })).toEqual([a2, a1]);
    expect(await ids(auditor, { action, actor: 'nobody-matches-this' })).toEqual([]);
    // target type, target id with and without its type
    expect(await ids(auditor, { action, targetType: 'secret' })).toEqual([b1, a1]);
    expect(await ids(auditor, { targetType: 'secret', targetId: secretId })).toEqual([a3, b1, a1]);
    expect(await ids(auditor, { targetId: secretId })).toEqual([a3, b1, a1]);
    expect(await ids(auditor, { targetId: 'team-1', action })).toEqual([a2]);
    // outcome
    expect(await ids(auditor, { action, outcome: 'denied' })).toEqual([b1]);
    expect(await ids(auditor, { action, outcome: 'failed' })).toEqual([anon, a2]);
    // dates: `from` starts at the beginning of its day, `to` includes its whole day (UTC)
    expect(await ids(auditor, { action, from: '2001-03-03' })).toEqual([anon, a2]);
    expect(await ids(auditor, { action, to: '2001-03-02' })).toEqual([b1, a1]);
    expect(await ids(auditor, { action, from: '2001-03-02', to: '2001-03-03' })).toEqual([a2, b1]);
    expect(await ids(auditor, { action, from: '2001-03-02T12:00:00Z' })).toEqual([anon, a2, b1]);
    // bad values are refused by name, never read as "no filter" (which would show everything)
    expect(() => parseAuditListQuery({ action, outcome: 'maybe', from: 'yesterday', targetType: 'DROP TABLE' })).toThrow(
      'Check the audit filters. targetType: Use a target type such as secret (lower case). outcome: Use success, denied or failed. from: Use a date (YYYY-MM-DD) or an ISO time.',
    );
  });

  it('returns DTOs with string ids, ISO times and changes flattened to before/after strings', async () => {
    const admin = await callerAs('admin');
    const action = `test.${unique('dto')}`;
    const long = 'x'.repeat(1000);
    await seedEvents([
      {
        action,
        actorEmail: 'someone@corp.test',
        actorRole: 'admin',
        environment: 'production',
        occurredAt: new Date('2001-01-01T00:00:00Z'),
        changes: { name: { before: 'old', after: 'new' }, tags: { before: null, after: ['a', 'b'] }, description: { before: long, after: '' } },
        detail: { reason: 'missing_permission', attempts: 3 },
      },
    ]);
    const [event] = (await listAuditEvents(admin, parseAuditListQuery({ action }))).items;
    expect(event).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      occurredAt: '2001-01-01T00:00:00.000Z',
      actor: { id: null, email: 'someone@corp.test', role: 'admin' },
      environment: 'production',
      ip: '192.0.2.7',
      userAgent: 'seed-agent',
      requestId: 'req-seed',
      detail: [
        { key: 'reason', value: 'missing_permission' },
        { key: 'attempts', value: '3' },
      ],
    });
    expect(event.changes).toEqual([
      { field: 'name', before: 'old', after: 'new' },
      { field: 'tags', before: null, after: '["a","b"]' },
      { field: 'description', before: `${'x'.repeat(299)}…`, after: '' },
    ]);
  });
});

describe('audit trail paging', () => {
  it('walks newest first across pages by keyset, each event exactly once', async () => {
    const auditor = await callerAs('auditor');
    const action = `test.${unique('paging')}`;
    // Two accounts whose emails share a part, so the partial-email path merges both.
    const name = unique('pager');
    const first = await seedUser('engineer', { email: `${name}-one@corp.test` });
    const second = await seedUser('engineer', { email: `${name}-two@corp.test` });
    const seeded = await seedEvents(
      Array.from({ length: 123 }, (_, i) => {
        const actor = i % 3 ? first : second;
        return { action, targetId: String(i), actorId: actor.id, actorEmail: actor.email };
      }),
    );
    for (const filter of [{ action }, { actor: name }] as Record<string, string>[]) {
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let after: string | undefined;
      do {
        const page = await listAuditEvents(auditor, parseAuditListQuery({ ...filter, ...(after ? { after } : {}) }));
        pageSizes.push(page.items.length);
        seen.push(...page.items.map((e) => e.id));
        after = page.nextCursor ?? undefined;
      } while (after);
      expect(pageSizes).toEqual([50, 50, 23]);
      expect(seen).toEqual([...seeded].reverse());
      // A cursor that does not decode means the first page, not an error.
      expect(await ids(auditor, { ...filter, after: 'not-a-cursor' })).toEqual(seen.slice(0, 50));
    }
  });
});

describe('audit trail access', () => {
  it.each(['viewer', 'engineer', null] as const)('denies %s, and the denial is itself audited', async (role) => {
    const caller = await callerAs(role);
    const events = await db.auditEvent.count();
    await expect(listAuditEvents(caller, parseAuditListQuery({}))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listAuditActions(caller)).rejects.toBeInstanceOf(ForbiddenError);
    // A signed-out address's second denial in the minute is counted, not an event of its own.
    expect(await db.auditEvent.count()).toBe(events + (role ? 2 : 1));
    const denial = await db.auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(denial).toMatchObject({
      action: 'audit.list',
      outcome: 'denied',
      actorId: caller.user?.id ?? null,
      targetType: 'audit_event',
      detail: { permission: 'audit.read' },
    });
  });

  it('lets auditors and admins read, and offers a fixed, sorted list of known actions', async () => {
    for (const role of ['auditor', 'admin'] as const) {
      const caller = await callerAs(role);
      await expect(listAuditEvents(caller, parseAuditListQuery({}))).resolves.toHaveProperty('items');
      const actions = await listAuditActions(caller);
      expect(actions).toEqual([...new Set(actions)].sort());
      expect(actions).toEqual(expect.arrayContaining(['user.create', 'user.role_change', 'user.invite_accept', 'auth.sign_in']));
    }
    expect(AUDIT_ACTIONS.every((a) => ACTION_NAME_RE.test(a))).toBe(true);
  });
});

describe('the Audit page view (its first load and GET /api/audit/events)', () => {
  it("gives a page of events with its links: the next page's, the first page's, the exports' filters without the cursor", async () => {
    const auditor = await callerAs('auditor');
    const action = `test.${unique('view')}`;
    const seeded = await seedEvents(Array.from({ length: 52 }, () => ({ action, environment: 'production' })));
    const first = await auditListView(auditor, { action, environment: 'production', actor: ' ' });
    if (!first.ok) throw new Error('the filters are valid');
    expect(first.page.items.map((e) => e.id)).toEqual([...seeded].reverse().slice(0, 50));
    expect(first.links).toMatchObject({ filtered: true, laterPage: false, exportQuery: `action=${action}&environment=production` });
    expect(first.access).toEqual({ environment: 'production' });
    const after = new URL(first.links.next!, 'http://x').searchParams;
    const second = await auditListView(auditor, Object.fromEntries(after));
    if (!second.ok) throw new Error('the filters are valid');
    expect(second.page.items.map((e) => e.id)).toEqual([seeded[1], seeded[0]]);
    expect(second.links).toMatchObject({ laterPage: true, next: null, first: `/audit?action=${action}&environment=production` });
    expect(second.links.exportQuery).toBe(first.links.exportQuery);
  });

  it('names each malformed filter to a reader of the trail, and refuses (audited) anyone else before looking at them', async () => {
    const auditor = await callerAs('auditor');
    expect(await auditListView(auditor, { from: '2026-02-30', outcome: 'bogus', to: '2026-01-01' })).toEqual({
      ok: false,
      fieldErrors: { from: 'Use a date (YYYY-MM-DD) or an ISO time.', outcome: 'Use success, denied or failed.' },
    });
    const viewer = await callerAs('viewer');
    const events = await db.auditEvent.count();
    await expect(auditListView(viewer, { outcome: 'bogus' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await db.auditEvent.count()).toBe(events + 1);
    expect(await db.auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } })).toMatchObject({
      action: 'audit.list',
      outcome: 'denied',
      actorId: viewer.user!.id,
      detail: { permission: 'audit.read' },
    });
  });
});

describe('audit_events is append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    const [id] = await seedEvents([{ action: `test.${unique('immutable')}`, outcome: 'success' }]);
    const before = await db.auditEvent.findUniqueOrThrow({ where: { id: BigInt(id) } });
    const count = await db.auditEvent.count();
    const statements = [
      `UPDATE audit_events SET outcome = 'failed' WHERE id = ${id}`,
      `UPDATE audit_events SET action = 'tampered'`,
      `DELETE FROM audit_events WHERE id = ${id}`,
      `DELETE FROM audit_events`,
      `TRUNCATE audit_events`,
    ];
    for (const sql of statements) {
      // The app's runtime role lacks the privilege; the owner meets the trigger (migrations.test.ts).
      await expect(db.$executeRawUnsafe(sql), sql).rejects.toThrow(/permission denied for table audit_events/);
    }
    expect(await db.auditEvent.count()).toBe(count);
    expect(await db.auditEvent.findUniqueOrThrow({ where: { id: BigInt(id) } })).toEqual(before);
  });
});

describe('target names', () => {
  it("names each page's targets (linked to their pages where the caller may open them), the id kept for hover", async () => {
    const team = await seedTeam(unique('payments-team-'));
    const system = await seedSystem(team.id, unique('checkout-'));
    const connection = await seedConnection('local');
    const [secretA, secretB] = [await seedConnectedSecret(connection.id), await seedConnectedSecret(connection.id)];
    const user = await seedUser('engineer', { email: `${unique('carol')}@corp.test` });
    const channel = await db.notificationChannel.create({
      data: { name: unique('ops-hook-'), kind: 'webhook', url: 'https://hooks.example.test/x', events: [] },
    });
    const run = await db.rotationRun.create({ data: { secretId: secretA.id, strategy: 'manual', trigger: 'manual', graceHours: 1 } });
    const incident = await db.incident.create({ data: { secretId: secretB.id, reason: 'leaked in a log' } });
    const host = await db.databaseHost.create({ data: { host: `${unique('db')}.internal.test` } });
    const gone = crypto.randomUUID();
    const action = `test.${unique('names')}`;
    const targets: [string, string][] = [
      ['secret', secretA.id],
      ['secret', secretB.id],
      ['secret', secretA.id.toUpperCase()],
      ['team', team.id],
      ['system', system.id],
      ['provider_connection', connection.id],
      ['user', user.id],
      ['notification_channel', channel.id],
      ['rotation', run.id],
      ['incident', incident.id],
      ['database_host', host.id],
      ['secret', gone],
      ['team', 'team-1'],
      ['route', 'POST /api/audit/verify-bundle'],
    ];
    await seedEvents(targets.map(([targetType, targetId]) => ({ action, targetType, targetId })));

    const shown = async (role: 'auditor' | 'admin') =>
      (await listAuditEvents(await callerAs(role), parseAuditListQuery({ action }))).items.reverse().map((e) => [e.targetType, e.targetId, e.target]);
    const enc = encodeURIComponent;
    expect(await shown('admin')).toEqual([
      ['secret', secretA.id, { name: secretA.name, href: `/inventory/${secretA.id}` }],
      ['secret', secretB.id, { name: secretB.name, href: `/inventory/${secretB.id}` }],
      ['secret', secretA.id.toUpperCase(), { name: secretA.name, href: `/inventory/${secretA.id}` }],
      ['team', team.id, { name: team.name, href: `/teams/${team.id}` }],
      ['system', system.id, { name: system.name, href: `/systems/${system.id}` }],
      ['provider_connection', connection.id, { name: connection.name, href: `/settings/providers/${connection.id}` }],
      ['user', user.id, { name: user.email, href: `/settings/users?q=${enc(user.email)}` }],
      ['notification_channel', channel.id, { name: channel.name, href: `/settings/notifications/${channel.id}` }],
      ['rotation', run.id, { name: `Rotation of ${secretA.name}`, href: `/inventory/${secretA.id}/rotation` }],
      ['incident', incident.id, { name: `Incident on ${secretB.name}`, href: `/inventory/${secretB.id}/incidents/${incident.id}` }],
      ['database_host', host.id, { name: host.host, href: '/settings/database-hosts' }],
      // A deleted record, an id that is not a row's, a target that is not a record: the id as it is.
      ['secret', gone, null],
      ['team', 'team-1', null],
      ['route', 'POST /api/audit/verify-bundle', null],
    ]);
    // An auditor sees the names, linked only to the pages an auditor may open.
    const auditorView = await shown('auditor');
    expect(auditorView.map(([, , target]) => target && (target as { href: string | null }).href)).toEqual([
      `/inventory/${secretA.id}`,
      `/inventory/${secretB.id}`,
      `/inventory/${secretA.id}`,
      `/teams/${team.id}`,
      `/systems/${system.id}`,
      null,
      null,
      null,
      `/inventory/${secretA.id}/rotation`,
      `/inventory/${secretB.id}/incidents/${incident.id}`,
      null,
      null,
      null,
      null,
    ]);
  });
});
