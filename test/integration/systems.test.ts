import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecretStatus } from '@/generated/prisma/enums';
import { db } from '@/lib/db';
import { createSystem, getSystem, listSystems, setSystemStatus, updateSystem } from '@/lib/data/systems';
import { ForbiddenError, InputError, NotFoundError } from '@/lib/errors';
import { auditEventsFor, callerAs, environmentId, seedSystem, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { errorOf } from '../support/errors';

useTestDatabase();

async function seedSecretConsuming(systemIds: string[], status: SecretStatus = 'active') {
  const team = await seedTeam();
  return db.secret.create({
    data: {
      name: `secret-${randomUUID().slice(0, 8)}`,
      environmentId: await environmentId(),
      ownerTeamId: team.id,
      classification: 'important',
      status,
      consumers: { create: systemIds.map((systemId) => ({ systemId })) },
    },
    select: { id: true },
  });
}

const systemRow = (id: string) => db.system.findUnique({ where: { id }, select: { name: true, description: true, ownerTeamId: true, status: true } });

describe('systems data layer', () => {
  it('creates a system and audits it with the owner by name', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const { id } = await createSystem(engineer, { name: ' billing-api ', description: 'Invoices', ownerTeamId: team.id, status: '' });

    const system = await getSystem(engineer, id);
    expect(system).toMatchObject({
      name: 'billing-api',
      description: 'Invoices',
      status: 'active',
      ownerTeam: { id: team.id, name: team.name },
      consumerCount: 0,
    });
    const events = await auditEventsFor(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'system.create', outcome: 'success', targetType: 'system', actorId: engineer.user!.id });
    expect(events[0].changes).toEqual({
      name: { before: null, after: 'billing-api' },
      description: { before: null, after: 'Invoices' },
      ownerTeam: { before: null, after: team.name },
      status: { before: null, after: 'active' },
    });
  });

  it('audits only the changed fields on update (owner by name), and an unchanged save writes nothing', async () => {
    const engineer = await callerAs('engineer');
    const from = await seedTeam();
    const to = await seedTeam();
    const system = await seedSystem(from.id);
    const opened = await getSystem(engineer, system.id);

    await updateSystem(engineer, system.id, {
      name: system.name,
      description: 'Moved to the platform team',
      ownerTeamId: to.id,
      status: 'active',
      expectedUpdatedAt: opened.updatedAt,
    });
    const [event] = await auditEventsFor(system.id);
    expect(event).toMatchObject({ action: 'system.update', outcome: 'success' });
    expect(event.changes).toEqual({
      description: { before: '', after: 'Moved to the platform team' },
      ownerTeam: { before: from.name, after: to.name },
    });
    expect(await systemRow(system.id)).toMatchObject({ ownerTeamId: to.id, description: 'Moved to the platform team' });

    const updated = await getSystem(engineer, system.id);
    await updateSystem(engineer, system.id, { name: system.name, description: updated.description, ownerTeamId: to.id, status: 'active' });
    expect(await auditEventsFor(system.id)).toHaveLength(1);
    expect((await getSystem(engineer, system.id)).updatedAt).toBe(updated.updatedAt);
  });

  it('decommissions and reactivates as audited status updates', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const system = await seedSystem(team.id);

    await setSystemStatus(engineer, system.id, { status: 'decommissioned' });
    expect((await systemRow(system.id))?.status).toBe('decommissioned');
    const again = await errorOf(setSystemStatus(engineer, system.id, { status: 'decommissioned' }));
    expect(again).toBeInstanceOf(InputError);
    expect((again as InputError).message).toBe('This system is already decommissioned.');

    await setSystemStatus(engineer, system.id, { status: 'active' });
    const events = await auditEventsFor(system.id);
    expect(events.map((e) => [e.action, e.changes])).toEqual([
      ['system.update', { status: { before: 'active', after: 'decommissioned' } }],
      ['system.update', { status: { before: 'decommissioned', after: 'active' } }],
    ]);

    const bad = (await errorOf(setSystemStatus(engineer, system.id, { status: 'retired' }))) as InputError;
    expect(bad.fieldErrors).toEqual({ status: ['Choose a status'] });
    expect(await auditEventsFor(system.id)).toHaveLength(2);
  });

  it('gives a field error for a duplicate name, on create and on rename, and writes nothing', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const taken = await seedSystem(team.id);
    const other = await seedSystem(team.id);
    const [systems, events] = [await db.system.count(), await db.auditEvent.count()];

    const onCreate = await errorOf(createSystem(engineer, { name: taken.name, ownerTeamId: team.id }));
    expect(onCreate).toBeInstanceOf(InputError);
    expect((onCreate as InputError).fieldErrors).toEqual({ name: ['A system with this name already exists'] });

    const onRename = await errorOf(updateSystem(engineer, other.id, { name: taken.name, ownerTeamId: team.id, status: 'decommissioned' }));
    expect((onRename as InputError).fieldErrors).toEqual({ name: ['A system with this name already exists'] });

    expect(await db.system.count()).toBe(systems);
    expect(await db.auditEvent.count()).toBe(events);
    expect(await systemRow(other.id)).toEqual({ name: other.name, description: '', ownerTeamId: team.id, status: 'active' });
  });

  it('gives field errors for a missing or unknown owner and other bad input, and writes nothing', async () => {
    const engineer = await callerAs('engineer');
    const systems = await db.system.count();

    const unknownOwner = (await errorOf(createSystem(engineer, { name: `s-${randomUUID()}`, ownerTeamId: randomUUID() }))) as InputError;
    expect(unknownOwner).toBeInstanceOf(InputError);
    expect(unknownOwner.fieldErrors).toEqual({ ownerTeamId: ['This team does not exist'] });

    const bad = (await errorOf(
      createSystem(engineer, { name: 'x'.repeat(201), description: 'y'.repeat(1001), ownerTeamId: '', status: 'paused' }),
    )) as InputError;
    expect(bad.fieldErrors).toEqual({
      name: ['Names are at most 200 characters'],
      description: ['The description is at most 1000 characters'],
      ownerTeamId: ['Choose the owning team'],
      status: ['Choose a status'],
    });
    expect(await db.system.count()).toBe(systems);
  });

  it('denies a viewer every write, audits each denial and leaves the database unchanged', async () => {
    const viewer = await callerAs('viewer');
    const team = await seedTeam();
    const system = await seedSystem(team.id);
    const systems = await db.system.count();
    const name = `viewer-made-${randomUUID()}`;

    await expect(createSystem(viewer, { name, ownerTeamId: team.id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateSystem(viewer, system.id, { name, ownerTeamId: team.id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setSystemStatus(viewer, system.id, { status: 'decommissioned' })).rejects.toBeInstanceOf(ForbiddenError);

    expect(await db.system.count()).toBe(systems);
    expect(await systemRow(system.id)).toEqual({ name: system.name, description: '', ownerTeamId: team.id, status: 'active' });
    expect(await auditEventsFor(system.id)).toMatchObject([
      { action: 'system.update', outcome: 'denied', actorId: viewer.user!.id },
      { action: 'system.update', outcome: 'denied', actorId: viewer.user!.id },
    ]);
    const denials = await db.auditEvent.findMany({ where: { actorId: viewer.user!.id }, orderBy: { id: 'asc' } });
    expect(denials.map((d) => [d.action, d.outcome, (d.detail as { permission: string }).permission])).toEqual([
      ['system.create', 'denied', 'catalog.write'],
      ['system.update', 'denied', 'catalog.write'],
      ['system.update', 'denied', 'catalog.write'],
    ]);
    // Reading is allowed to a viewer.
    expect((await getSystem(viewer, system.id)).name).toBe(system.name);
  });

  it('treats unknown and malformed ids as not found', async () => {
    const engineer = await callerAs('engineer');
    await expect(getSystem(engineer, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    await expect(getSystem(engineer, '../../etc')).rejects.toBeInstanceOf(NotFoundError);
    await expect(setSystemStatus(engineer, 'nope', { status: 'active' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('counts consumers: secrets that list the system and are not decommissioned', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const system = await seedSystem(team.id);
    const other = await seedSystem(team.id);
    await seedSecretConsuming([system.id, other.id]);
    await seedSecretConsuming([system.id], 'compromised');
    await seedSecretConsuming([system.id], 'decommissioned');
    await seedSecretConsuming([other.id]);

    expect((await getSystem(engineer, system.id)).consumerCount).toBe(2);
    const list = await listSystems(engineer, { owner: team.id });
    expect(list.items.map((s) => [s.id, s.consumerCount, s.ownerTeam.name]).sort()).toEqual(
      [
        [system.id, 2, team.name],
        [other.id, 2, team.name],
      ].sort(),
    );
  });

  it('filters by owner, status and case-insensitive name, and pages by keyset through every row once', async () => {
    const engineer = await callerAs('engineer');
    const owner = await seedTeam();
    const elsewhere = await seedTeam();
    const marker = `Keyset-${randomUUID().slice(0, 8)}`;
    const names = ['delta', 'alpha', 'echo', 'charlie', 'golf', 'bravo', 'foxtrot'].map((n) => `${marker}-${n}`);
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, (await seedSystem(owner.id, name)).id);
    await seedSystem(elsewhere.id, `${marker}-hotel`);
    await db.system.updateMany({ where: { name: { in: [names[0], names[1]] } }, data: { status: 'decommissioned' } });

    const walk = async (query: Parameters<typeof listSystems>[1]) => {
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await listSystems(engineer, { ...query, size: 2, after });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((s) => s.name));
        after = page.nextCursor ?? undefined;
      } while (after);
      return seen;
    };

    const all = await walk({ q: marker.toUpperCase(), owner: owner.id });
    expect(all).toEqual([...names].sort());
    expect(new Set(all).size).toBe(7);
    expect(await walk({ q: marker, status: 'active', owner: owner.id })).toEqual(names.slice(2).sort());
    expect(await walk({ q: marker, status: 'decommissioned' })).toEqual([names[0], names[1]].sort());
    expect(await walk({ q: marker })).toHaveLength(8);
    expect((await listSystems(engineer, { q: marker, owner: owner.id, size: 2 })).total).toBe(7);
    expect((await listSystems(engineer, { owner: elsewhere.id })).items.map((s) => s.name)).toEqual([`${marker}-hotel`]);
  });

  it('keeps the cloud principals access history matches readers against, validated and audited', async () => {
    const engineer = await callerAs('engineer');
    const team = await seedTeam();
    const role = 'arn:aws:iam::123456789012:role/billing-api';
    const sa = 'billing@acme-prod.iam.gserviceaccount.com';
    const { id } = await createSystem(engineer, { name: `s-${randomUUID()}`, principals: `${role}\n ${sa} \n\n${role}`, ownerTeamId: team.id });
    expect((await getSystem(engineer, id)).principals).toEqual([role, sa]);
    expect((await auditEventsFor(id))[0].changes).toMatchObject({ principals: { before: null, after: `${role}\n${sa}` } });

    const bad = (await errorOf(createSystem(engineer, { name: `s-${randomUUID()}`, principals: 'not a principal', ownerTeamId: team.id }))) as InputError;
    expect(bad).toBeInstanceOf(InputError);
    expect(bad.fieldErrors.principals).toBeDefined();

    const current = await getSystem(engineer, id);
    await updateSystem(engineer, id, { name: current.name, description: '', principals: sa, ownerTeamId: team.id, status: 'active' });
    expect((await getSystem(engineer, id)).principals).toEqual([sa]);
    expect((await auditEventsFor(id)).at(-1)!.changes).toEqual({ principals: { before: `${role}\n${sa}`, after: sa } });
  });
});
