import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecretStatus } from '@/generated/prisma/enums';
import { db } from '@/lib/db';
import { createTeam, getTeam, listTeams, updateTeam } from '@/lib/data/teams';
import { ForbiddenError, InputError, NotFoundError } from '@/lib/errors';
import { auditEventsFor, callerAs, environmentId, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { errorOf } from '../support/errors';

useTestDatabase();

async function seedSecret(ownerTeamId: string, status: SecretStatus = 'active') {
  return db.secret.create({
    data: {
      name: `secret-${randomUUID().slice(0, 8)}`,
      environmentId: await environmentId(),
      ownerTeamId,
      classification: 'important',
      status,
    },
    select: { id: true },
  });
}

describe('teams data layer', () => {
  it('creates a team, trimming input, and audits it in the same transaction', async () => {
    const engineer = await callerAs('engineer');
    const { id } = await createTeam(engineer, { name: '  Payments platform ', description: ' Owns the card vault ' });

    const team = await getTeam(engineer, id);
    expect(team).toMatchObject({ name: 'Payments platform', description: 'Owns the card vault', secretCount: 0, systemCount: 0 });
    const events = await auditEventsFor(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'team.create', outcome: 'success', targetType: 'team', actorId: engineer.user!.id });
    expect(events[0].changes).toEqual({
      name: { before: null, after: 'Payments platform' },
      description: { before: null, after: 'Owns the card vault' },
    });
  });

  it('audits only the changed fields on update, and an unchanged save writes nothing', async () => {
    const engineer = await callerAs('engineer');
    const { id } = await createTeam(engineer, { name: `Identity ${randomUUID()}`, description: 'SSO' });
    const created = await getTeam(engineer, id);

    await updateTeam(engineer, id, { name: created.name, description: 'SSO and SCIM', expectedUpdatedAt: created.updatedAt });
    const events = await auditEventsFor(id);
    expect(events.map((e) => e.action)).toEqual(['team.create', 'team.update']);
    expect(events[1].changes).toEqual({ description: { before: 'SSO', after: 'SSO and SCIM' } });

    const updated = await getTeam(engineer, id);
    await updateTeam(engineer, id, { name: updated.name, description: updated.description });
    expect(await auditEventsFor(id)).toHaveLength(2);
    expect((await getTeam(engineer, id)).updatedAt).toBe(updated.updatedAt);
  });

  it('refuses a stale edit and keeps the newer save', async () => {
    const engineer = await callerAs('engineer');
    const { id } = await createTeam(engineer, { name: `Data ${randomUUID()}`, description: 'first' });
    const opened = await getTeam(engineer, id);
    await updateTeam(engineer, id, { name: opened.name, description: 'second', expectedUpdatedAt: opened.updatedAt });
    const stale = await errorOf(updateTeam(engineer, id, { name: opened.name, description: 'third', expectedUpdatedAt: opened.updatedAt }));
    expect(stale).toBeInstanceOf(InputError);
    expect((stale as InputError).message).toMatch(/Someone else saved/);
    expect((await getTeam(engineer, id)).description).toBe('second');
  });

  it('gives a field error for a duplicate name, on create and on rename, and writes nothing', async () => {
    const engineer = await callerAs('engineer');
    const taken = await seedTeam();
    const other = await seedTeam();
    const [teams, events] = [await db.team.count(), await db.auditEvent.count()];

    const onCreate = await errorOf(createTeam(engineer, { name: taken.name }));
    expect(onCreate).toBeInstanceOf(InputError);
    expect((onCreate as InputError).fieldErrors).toEqual({ name: ['A team with this name already exists'] });

    const onRename = await errorOf(updateTeam(engineer, other.id, { name: ` ${taken.name} `, description: 'x' }));
    expect(onRename).toBeInstanceOf(InputError);
    expect((onRename as InputError).fieldErrors).toEqual({ name: ['A team with this name already exists'] });

    expect(await db.team.count()).toBe(teams);
    expect(await db.auditEvent.count()).toBe(events);
    expect(await db.team.findUnique({ where: { id: other.id }, select: { name: true, description: true } })).toEqual({
      name: other.name,
      description: '',
    });
  });

  it('gives specific field errors for bad input', async () => {
    const engineer = await callerAs('engineer');
    const error = (await errorOf(createTeam(engineer, { name: '   ', description: 'x'.repeat(1001) }))) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.fieldErrors).toEqual({
      name: ['Enter a name'],
      description: ['The description is at most 1000 characters'],
    });
    const long = (await errorOf(createTeam(engineer, { name: 'x'.repeat(101) }))) as InputError;
    expect(long.fieldErrors.name).toEqual(['Names are at most 100 characters']);
    const multiline = (await errorOf(createTeam(engineer, { name: 'a\nb' }))) as InputError;
    expect(multiline.fieldErrors.name).toEqual(['Names must be a single line of text']);
  });

  it('denies a viewer, audits the denial and leaves the database unchanged', async () => {
    const viewer = await callerAs('viewer');
    const team = await seedTeam();
    const teams = await db.team.count();
    const name = `viewer-made-${randomUUID()}`;

    await expect(createTeam(viewer, { name })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateTeam(viewer, team.id, { name, description: 'hijacked' })).rejects.toBeInstanceOf(ForbiddenError);

    expect(await db.team.count()).toBe(teams);
    expect(await db.team.findFirst({ where: { name } })).toBeNull();
    expect(await db.team.findUnique({ where: { id: team.id }, select: { name: true, description: true } })).toEqual({
      name: team.name,
      description: '',
    });
    const denials = await db.auditEvent.findMany({ where: { actorId: viewer.user!.id }, orderBy: { id: 'asc' } });
    expect(denials).toMatchObject([
      { action: 'team.create', outcome: 'denied', targetType: 'team', detail: { permission: 'catalog.write' } },
      { action: 'team.update', outcome: 'denied', targetId: team.id, detail: { permission: 'catalog.write' } },
    ]);
    // Reading is allowed to a viewer.
    expect((await getTeam(viewer, team.id)).name).toBe(team.name);
  });

  it('denies a signed-out caller even reading', async () => {
    const nobody = await callerAs(null);
    await expect(listTeams(nobody, {})).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('treats unknown and malformed ids as not found', async () => {
    const engineer = await callerAs('engineer');
    await expect(getTeam(engineer, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    await expect(getTeam(engineer, "1' OR '1'='1")).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateTeam(engineer, 'not-a-uuid', { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('counts owned secrets (not decommissioned) and systems, in the list and on the detail', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const idle = await seedTeam();
    await seedSecret(team.id);
    await seedSecret(team.id, 'deprecated');
    await seedSecret(team.id, 'decommissioned');
    await seedSecret(idle.id);
    const b = await seedSystem(team.id, `b-${randomUUID()}`);
    const a = await seedSystem(team.id, `a-${randomUUID()}`);
    await db.system.update({ where: { id: b.id }, data: { status: 'decommissioned' } });

    const detail = await getTeam(engineer, team.id);
    expect(detail).toMatchObject({ secretCount: 2, systemCount: 2 });
    expect(detail.systems).toEqual([
      { id: a.id, name: a.name, status: 'active' },
      { id: b.id, name: b.name, status: 'decommissioned' },
    ]);

    const list = await listTeams(engineer, { q: team.name });
    expect(list.items).toEqual([{ id: team.id, name: team.name, description: '', secretCount: 2, systemCount: 2 }]);
    expect((await listTeams(engineer, { q: idle.name })).items[0]).toMatchObject({ secretCount: 1, systemCount: 0 });
  });

  it('pages by keyset through every matching team exactly once, in name order', async () => {
    const engineer = await callerAs('engineer');
    const marker = `Keyset-${randomUUID().slice(0, 8)}`;
    const names = ['delta', 'alpha', 'echo', 'charlie', 'golf', 'bravo', 'foxtrot'].map((n) => `${marker} ${n}`);
    for (const name of names) await seedTeam(name);
    await seedTeam(`unrelated-${randomUUID()}`);

    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      // Lower-case search: matching ignores case.
      const page = await listTeams(engineer, { q: marker.toLowerCase(), size: 3, after });
      expect(page.total).toBe(7);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((t) => t.name));
      after = page.nextCursor ?? undefined;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort());

    // A malformed cursor is the first page, never an error.
    expect((await listTeams(engineer, { q: marker, size: 3, after: 'garbage' })).items.map((t) => t.name)).toEqual(seen.slice(0, 3));
  });

  it('matches search text literally, including % and _', async () => {
    const engineer = await callerAs('engineer');
    const marker = randomUUID().slice(0, 8);
    const literal = await seedTeam(`100%_${marker}`);
    await seedTeam(`100ab${marker}`);
    expect((await listTeams(engineer, { q: `100%_${marker}` })).items.map((t) => t.id)).toEqual([literal.id]);
    expect((await listTeams(engineer, { q: `_${marker}` })).items.map((t) => t.id)).toEqual([literal.id]);
  });
});
