import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { db } from '@/lib/db';
import { createSecret, decommissionSecret, getSecret, listSecrets, updateSecret } from '@/lib/data/secrets';
import { ForbiddenError, InputError } from '@/lib/errors';
import { rotationTick } from '@/lib/rotation/jobs';
import { parseSecretListQuery } from '@/lib/validation/secret-list';
import { auditEventsFor, callerAs, environmentId, secretInput, seedSystem, seedTeam, joinOwningTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

async function seedConnection(kind: 'aws' | 'gcp' | 'local') {
  return db.providerConnection.create({
    data: {
      name: `${kind} ${randomUUID().slice(0, 8)}`,
      kind,
      region: kind === 'aws' ? 'eu-west-1' : null,
      projectId: kind === 'gcp' ? 'acme-prod' : null,
    },
    select: { id: true, name: true },
  });
}

describe('secrets with a provider connection', () => {
  it('takes the provider kind from the connection and derives an empty reference per kind', async () => {
    const engineer = await callerAs('engineer');
    const cases = [
      { kind: 'aws', name: 'payments db', expected: 'production/payments-db' },
      { kind: 'local', name: 'payments/db', expected: 'production/payments/db' },
      { kind: 'gcp', name: 'payments/db key', expected: 'production-payments-db-key' },
    ] as const;
    for (const c of cases) {
      const connection = await seedConnection(c.kind);
      const name = `${c.name} ${randomUUID().slice(0, 4)}`;
      const suffix = name.slice(c.name.length).replace(' ', '-');
      // The form's Provider select says 'other'; the connection wins.
      const { id } = await createSecret(engineer, await secretInput({ name, providerKind: 'other', providerRef: '', connectionId: connection.id }));
      await joinOwningTeam(engineer, id);
      const detail = await getSecret(engineer, id);
      expect(detail.connection, c.kind).toEqual({ id: connection.id, name: connection.name, kind: c.kind });
      expect(detail.providerKind).toBe(c.kind);
      expect(detail.providerRef).toBe(`${c.expected}${suffix}`);
      const [event] = await auditEventsFor(id);
      expect(event.changes).toMatchObject({ connection: { before: null, after: connection.name }, providerKind: { after: c.kind } });
    }
  });

  it('checks a given reference against the connection’s kind, with a field error, and writes nothing', async () => {
    const engineer = await callerAs('engineer');
    const gcp = await seedConnection('gcp');
    const before = await db.secret.count();
    const error = (await createSecret(engineer, await secretInput({ providerRef: 'eu-west-1/prod/db', connectionId: gcp.id })).catch(
      (e: unknown) => e,
    )) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.fieldErrors).toEqual({ providerRef: [expect.stringMatching(/^For GCP use a secret id/)] });
    expect(await db.secret.count()).toBe(before);

    // A full resource name is fine inside the connection's project (and location: none here).
    const ok = await createSecret(engineer, await secretInput({ providerRef: 'projects/acme-prod/secrets/db', connectionId: gcp.id }));
    await joinOwningTeam(engineer, ok.id);
    expect((await getSecret(engineer, ok.id)).providerRef).toBe('projects/acme-prod/secrets/db');
  });

  it('gives field errors for an unknown or malformed connection', async () => {
    const engineer = await callerAs('engineer');
    const unknown = (await createSecret(engineer, await secretInput({ connectionId: randomUUID() })).catch((e: unknown) => e)) as InputError;
    expect(unknown.fieldErrors).toEqual({ connectionId: ['This connection no longer exists; choose another'] });
    const malformed = (await createSecret(engineer, await secretInput({ connectionId: 'aws' })).catch((e: unknown) => e)) as InputError;
    expect(malformed.fieldErrors).toEqual({ connectionId: ['Choose a connection from the list'] });
  });

  it('audits moving a secret onto a connection and off it again, keeping the free provider kind without one', async () => {
    const engineer = await callerAs('engineer');
    const aws = await seedConnection('aws');
    const input = await secretInput({ providerKind: 'gcp', providerRef: 'vault: kv/x' });
    const { id } = await createSecret(engineer, input);
    await joinOwningTeam(engineer, id);
    expect((await getSecret(engineer, id)).connection).toBeNull();

    const opened = await getSecret(engineer, id);
    await updateSecret(engineer, id, { ...input, providerRef: 'prod/db', connectionId: aws.id, expectedUpdatedAt: opened.updatedAt });
    const onAws = await getSecret(engineer, id);
    expect(onAws).toMatchObject({ providerKind: 'aws', providerRef: 'prod/db', connection: { id: aws.id } });

    await updateSecret(engineer, id, { ...input, providerKind: 'other', providerRef: 'prod/db', connectionId: '' });
    expect(await getSecret(engineer, id)).toMatchObject({ providerKind: 'other', connection: null });

    const changes = (await auditEventsFor(id)).slice(1).map((e) => e.changes);
    expect(changes[0]).toEqual({
      providerKind: { before: 'gcp', after: 'aws' },
      providerRef: { before: 'vault: kv/x', after: 'prod/db' },
      connection: { before: null, after: aws.name },
    });
    expect(changes[1]).toEqual({
      providerKind: { before: 'aws', after: 'other' },
      connection: { before: aws.name, after: null },
    });
  });
});

describe('secrets data layer', () => {
  it('creates a secret with consumers and audits it in the same transaction', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const system = await seedSystem(team.id);
    const input = await secretInput({ consumerSystemIds: [system.id] });
    const { id } = await createSecret(engineer, input);
    await joinOwningTeam(engineer, id);

    const detail = await getSecret(engineer, id);
    expect(detail.name).toBe(input.name);
    expect(detail.consumers.map((c) => c.name)).toEqual([system.name]);
    expect(detail.tags).toEqual(['pci', 'database']);
    expect(detail.nextDueAt).toBe('2026-04-15T00:00:00.000Z');

    const [event] = await auditEventsFor(id);
    expect(event).toMatchObject({ action: 'secret.create', outcome: 'success', actorId: engineer.user!.id, environment: 'production' });
    expect(event.changes).toMatchObject({ name: { before: null, after: input.name }, consumers: { after: [system.name] } });
  });

  it('rejects a duplicate name in the same environment with a field error and writes nothing', async () => {
    const engineer = await callerAs('engineer');
    const input = await secretInput();
    await createSecret(engineer, input);
    const before = await db.secret.count();
    const error = await createSecret(engineer, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).fieldErrors.name?.[0]).toMatch(/already exists/);
    expect(await db.secret.count()).toBe(before);
  });

  it('gives specific field errors for bad input', async () => {
    const engineer = await callerAs('engineer');
    const error = (await createSecret(engineer, await secretInput({ name: '', rotationIntervalDays: '-3', lastRotatedAt: '2999-01-01' })).catch(
      (e: unknown) => e,
    )) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(Object.keys(error.fieldErrors).sort()).toEqual(['lastRotatedAt', 'name', 'rotationIntervalDays']);
  });

  it('denies a viewer, audits the denial and changes nothing', async () => {
    const viewer = await callerAs('viewer');
    const input = await secretInput();
    const before = await db.secret.count();
    await expect(createSecret(viewer, input)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await db.secret.count()).toBe(before);
    const denial = await db.auditEvent.findFirst({ where: { actorId: viewer.user!.id }, orderBy: { id: 'desc' } });
    expect(denial).toMatchObject({ action: 'secret.create', outcome: 'denied' });
  });

  it('records only changed fields on update and refuses a stale edit', async () => {
    const engineer = await callerAs('engineer');
    const input = await secretInput();
    const { id } = await createSecret(engineer, input);
    await joinOwningTeam(engineer, id);
    const opened = await getSecret(engineer, id);
    await updateSecret(engineer, id, { ...input, classification: 'sensitive', expectedUpdatedAt: opened.updatedAt });
    const events = await auditEventsFor(id);
    expect(events.at(-1)?.changes).toEqual({ classification: { before: 'critical', after: 'sensitive' } });

    const stale = await updateSecret(engineer, id, { ...input, description: 'x', expectedUpdatedAt: opened.updatedAt }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(InputError);
    expect((await getSecret(engineer, id)).description).toBe(input.description);
  });

  it('decommissions with a reason and hides the secret from the default list', async () => {
    const engineer = await callerAs('engineer');
    const input = await secretInput();
    const { id } = await createSecret(engineer, input);
    await joinOwningTeam(engineer, id);
    await decommissionSecret(engineer, id, { reason: 'service retired' });
    const list = await listSecrets(engineer, parseSecretListQuery({ q: input.name }));
    expect(list.items).toHaveLength(0);
    const all = await listSecrets(engineer, parseSecretListQuery({ q: input.name, status: 'any' }));
    expect(all.items.map((s) => s.id)).toEqual([id]);
    expect((await auditEventsFor(id)).at(-1)).toMatchObject({ action: 'secret.decommission', detail: { reason: 'service retired' } });
  });

  it('pages by keyset through every matching row exactly once, in order, for each sort', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const tag = `page-${Date.now()}`;
    for (let i = 0; i < 7; i++) {
      await createSecret(
        engineer,
        await secretInput({
          ownerTeamId: team.id,
          tags: tag,
          lastRotatedAt: i % 3 === 0 ? '' : `2026-0${(i % 5) + 1}-10`,
          rotationIntervalDays: i % 2 ? '30' : '',
        }),
      );
    }
    for (const sort of ['name', '-name', 'due', '-updated'] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      do {
        // Three per page, so the walk crosses page boundaries (and the null/non-null one for "due").
        const page = await listSecrets(engineer, { ...parseSecretListQuery({ tag, sort }), size: 3, after });
        expect(page.total).toBe(7);
        seen.push(...page.items.map((s) => s.id));
        after = page.nextCursor ?? undefined;
      } while (after);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      const full = await listSecrets(engineer, parseSecretListQuery({ tag, sort }));
      expect(seen).toEqual(full.items.map((s) => s.id));
    }
    const first = await listSecrets(engineer, { ...parseSecretListQuery({ tag, sort: 'due' }) });
    expect(first.items).toHaveLength(7);
    const dues = first.items.map((s) => s.nextDueAt);
    const nonNull = dues.filter((d): d is string => d !== null);
    expect(nonNull).toEqual([...nonNull].sort());
    expect(dues.slice(nonNull.length).every((d) => d === null)).toBe(true);
  });

  it('filters by owner, system, classification, due state and free text', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const system = await seedSystem(team.id);
    const overdue = await createSecret(
      engineer,
      await secretInput({ ownerTeamId: team.id, lastRotatedAt: '2020-01-01', rotationIntervalDays: '30', consumerSystemIds: [system.id] }),
    );
    await joinOwningTeam(engineer, overdue.id);
    const never = await createSecret(
      engineer,
      await secretInput({ ownerTeamId: team.id, lastRotatedAt: '', classification: 'sensitive', description: 'Webhook signing key for zebrafish' }),
    );
    await joinOwningTeam(engineer, never.id);
    const q = (params: Record<string, string>) =>
      listSecrets(engineer, parseSecretListQuery({ owner: team.id, ...params })).then((p) => p.items.map((s) => s.id).sort());

    expect(await q({})).toEqual([overdue.id, never.id].sort());
    expect(await q({ system: system.id })).toEqual([overdue.id]);
    expect(await q({ classification: 'sensitive' })).toEqual([never.id]);
    expect(await q({ due: 'overdue' })).toContain(overdue.id);
    expect(await q({ due: 'never' })).toEqual([never.id]);
    expect(await q({ q: 'ZEBRAFISH' })).toEqual([never.id]);
    expect(await q({ q: '100%_' })).toEqual([]);
    const page = await listSecrets(engineer, parseSecretListQuery({ owner: team.id }));
    expect(page.summary.neverRotated).toBe(1);
  });

  it('partitions the filtered view by rotation state', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const make = async (lastRotatedAt: string, rotationIntervalDays: string) =>
      createSecret(engineer, await secretInput({ ownerTeamId: team.id, lastRotatedAt, rotationIntervalDays }));
    const today = new Date().toISOString().slice(0, 10);
    await make('2020-01-01', '30'); // overdue
    await make('', '30'); // never rotated with a policy: due at creation, so overdue
    await make(today, '7'); // due soon
    await make(today, '365'); // on schedule
    await make('', ''); // no policy, never rotated
    await make('2025-06-01', ''); // no policy

    const { total, summary } = await listSecrets(engineer, parseSecretListQuery({ owner: team.id }));
    expect(total).toBe(6);
    expect(summary).toEqual({ overdue: 2, dueSoon: 1, neverRotated: 2, noPolicy: 2 });
  });
});

describe('rotation strategy settings', () => {
  it('keeps the generated strategy settings, and drops them when the strategy becomes manual', async () => {
    const engineer = await callerAs('engineer');
    const { id } = await createSecret(engineer, await secretInput({ rotationStrategy: 'generated', alphabet: 'hex', length: '48' }));
    await joinOwningTeam(engineer, id);
    expect((await getSecret(engineer, id)).rotationConfig).toEqual({ alphabet: 'hex', length: 48 });
    const before = await getSecret(engineer, id);
    await updateSecret(
      engineer,
      id,
      await secretInput({ name: before.name, ownerTeamId: before.ownerTeam.id, rotationStrategy: 'manual', expectedUpdatedAt: before.updatedAt }),
    );
    expect((await getSecret(engineer, id)).rotationConfig).toBeNull();
  });

  it('refuses PostgreSQL settings whose admin credential is not another inventory secret', async () => {
    const engineer = await callerAs('engineer');
    const error = await createSecret(engineer, await secretInput({ rotationStrategy: 'postgres_role', role: 'app', adminSecretId: randomUUID() })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).fieldErrors.adminSecretId).toBeDefined();
  });
});

describe("the worker's bookkeeping is not an edit", () => {
  // An overdue secret (staging, last rotated 2025-01-01, every 30 days): the worker's next
  // tick sends its overdue notice and marks the secret so it sends one per due date.
  async function overdueSecretOpenedForEdit() {
    const engineer = await callerAs('engineer');
    const input = await secretInput({ environmentId: await environmentId('staging'), lastRotatedAt: '2025-01-01', rotationIntervalDays: '30' });
    const { id } = await createSecret(engineer, input);
    await joinOwningTeam(engineer, id);
    return { engineer, input, id, opened: await getSecret(engineer, id) };
  }

  it("saves a person's edit made across the worker's overdue notice, and keeps 'last changed'", async () => {
    const { engineer, input, id, opened } = await overdueSecretOpenedForEdit();
    await rotationTick(new ManualClock(new Date()));
    expect((await db.secret.findUniqueOrThrow({ where: { id } })).overdueNoticeForDueAt).not.toBeNull();
    expect((await getSecret(engineer, id)).updatedAt).toBe(opened.updatedAt);

    await updateSecret(engineer, id, { ...input, description: 'Rotated by the DBA team', expectedUpdatedAt: opened.updatedAt });
    expect((await getSecret(engineer, id)).description).toBe('Rotated by the DBA team');
  });

  it("still refuses a save across another person's edit, and across a rotation's new date", async () => {
    const { engineer, input, id, opened } = await overdueSecretOpenedForEdit();
    await updateSecret(engineer, id, { ...input, contactPerson: 'dba@example.test', expectedUpdatedAt: opened.updatedAt });
    await rotationTick(new ManualClock(new Date()));
    const stale = await updateSecret(engineer, id, { ...input, description: 'x', expectedUpdatedAt: opened.updatedAt }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(InputError);

    // Any writer of an editable column counts, Prisma or not (here: a rotation's date).
    const reopened = await getSecret(engineer, id);
    await db.$executeRaw`UPDATE secrets SET last_rotated_at = now() WHERE id = ${id}::uuid`;
    const afterRotation = await updateSecret(engineer, id, { ...input, description: 'y', expectedUpdatedAt: reopened.updatedAt }).catch((e: unknown) => e);
    expect(afterRotation).toBeInstanceOf(InputError);
    expect((await getSecret(engineer, id)).description).toBe(input.description);
  });

  // Every column is either one the edit form writes (the trigger secrets_edited_at moves
  // updated_at when it changes) or known not to be an edit: a new column must be sorted here.
  it('sorts every column of secrets into edits and bookkeeping', async () => {
    const notEdits = [
      'id',
      'created_at',
      'updated_at',
      'next_due_at',
      'search_text', // derived from edited columns
      'provider_key', // derived from provider_ref
      'active_rotation_id',
      'reminded_for_due_at',
      'overdue_notice_for_due_at',
      'expiry_notice_for_at',
      'last_read_at', // the worker's bookkeeping
      'db_admin_credential', // an administrator's mark, not on the edit form
    ];
    const columns = await db.$queryRaw<{ column_name: string }[]>`
      SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'secrets'`;
    const [{ def }] = await db.$queryRaw<{ def: string }[]>`SELECT pg_get_functiondef('secrets_edited_at'::regproc) AS def`;
    const edits = new Set([...def.matchAll(/NEW\.(\w+)/g)].map((m) => m[1]).filter((c) => c !== 'updated_at'));
    const unsorted = columns.map((c) => c.column_name).filter((c) => !edits.has(c) && !notEdits.includes(c));
    expect(unsorted).toEqual([]);
    expect([...edits].filter((c) => notEdits.includes(c))).toEqual([]);
    expect(edits.size).toBeGreaterThan(10);
  });
});
