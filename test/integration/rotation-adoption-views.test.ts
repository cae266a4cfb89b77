// The people's side of adoption against real PostgreSQL: a run's consumers with their
// derived status (and declared ones not checked yet), its timeline from the audit trail,
// the Overview's held rotations (team-scoped), and the secret's straggler policy through
// create/update (validated, audited) and the alternating-user settings' field errors.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Prisma } from '@/generated/prisma/client';
import { recordAudit } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { WORKER_ACTOR } from '@/lib/rotation/runs';
import { getRunAdoption, listRunTimeline } from '@/lib/data/rotation-adoption';
import { listHeldRotations } from '@/lib/data/rotation-views';
import { createSecret, getSecret, updateSecret } from '@/lib/data/secrets';
import { InputError, NotFoundError } from '@/lib/errors';
import { auditEventsFor, callerAs, editFormOf, joinOwningTeam, secretInput, seedConnectedSecret, seedConnection, seedSystem } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

async function heldScene(options: { held?: boolean } = {}) {
  const connection = await seedConnection('local');
  const secret = await seedConnectedSecret(connection.id);
  const { ownerTeamId } = await db.secret.findUniqueOrThrow({ where: { id: secret.id }, select: { ownerTeamId: true } });
  const [api, worker, batch] = await Promise.all([seedSystem(ownerTeamId), seedSystem(ownerTeamId), seedSystem(ownerTeamId)]);
  await db.secretConsumer.createMany({ data: [api, worker, batch].map((s) => ({ secretId: secret.id, systemId: s.id })) });
  const run = await db.rotationRun.create({
    data: {
      secretId: secret.id,
      strategy: 'alternating_users',
      trigger: 'manual',
      state: 'in_grace',
      graceHours: 24,
      previousVersionId: '1',
      newVersionId: '2',
      promotedAt: new Date(),
      graceEndsAt: new Date(Date.now() + 3_600_000),
      newUser: 'orders_app_b',
      retiringUser: 'orders_app_a',
      heldAt: options.held ? new Date() : null,
      adoptionCheckedAt: new Date(),
      inputs: { stragglerPolicy: 'hold' } as Prisma.InputJsonObject,
    },
  });
  await db.secret.update({ where: { id: secret.id }, data: { activeRotationId: run.id } });
  const row = (r: Partial<Prisma.RotationAdoptionUncheckedCreateInput> & { consumerKey: string; label: string; declared: boolean }) =>
    db.rotationAdoption.create({ data: { runId: run.id, ...r } });
  await row({
    consumerKey: `system:${api.id}`,
    systemId: api.id,
    label: api.name,
    declared: true,
    movedAt: new Date(),
    evidence: { oldSessions: 0, newSessions: 3, clients: '127.0.0.1', applications: 'orders-api' },
  });
  await row({
    consumerKey: `system:${worker.id}`,
    systemId: worker.id,
    label: worker.name,
    declared: true,
    onOld: true,
    oldSeenAt: new Date(),
    evidence: { oldSessions: 1, newSessions: 0, clients: '10.0.0.5', applications: '' },
  });
  await row({
    consumerKey: 'session:10.0.0.9|cron',
    label: '10.0.0.9 · cron',
    declared: false,
    onOld: true,
    evidence: { oldSessions: 2, newSessions: 0, clients: '10.0.0.9', applications: 'cron' },
  });
  return { secret, run, api, worker, batch, ownerTeamId };
}

describe('getRunAdoption', () => {
  it('derives each consumer’s status, lists unchecked declared ones and names the stragglers', async () => {
    const { secret, run, api, worker, batch } = await heldScene({ held: true });
    const adoption = await getRunAdoption(await callerAs('viewer'), secret.id, run.id);
    expect(adoption).toMatchObject({ policy: 'hold', newUser: 'orders_app_b', retiringUser: 'orders_app_a', state: 'in_grace' });
    expect(adoption.heldAt).not.toBeNull();
    const byLabel = Object.fromEntries(adoption.consumers.map((c) => [c.label, c]));
    expect(byLabel[api.name]).toMatchObject({
      status: 'moved',
      declared: true,
      checked: true,
      evidenceText: '3 sessions as orders_app_b from 127.0.0.1 (orders-api)',
    });
    expect(byLabel[worker.name]).toMatchObject({ status: 'on_old', evidenceText: '1 session as orders_app_a from 10.0.0.5' });
    expect(byLabel[batch.name]).toMatchObject({ status: 'waiting', checked: false });
    expect(byLabel['10.0.0.9 · cron']).toMatchObject({ status: 'on_old', declared: false });
    // Declared first, by name; undeclared after.
    expect(adoption.consumers.at(-1)!.declared).toBe(false);
    expect(adoption.stragglers.sort()).toEqual([worker.name, batch.name, '10.0.0.9 · cron'].sort());
  });

  it('refuses a run of another secret and a signed-out caller', async () => {
    const { run } = await heldScene();
    const other = await seedConnectedSecret((await seedConnection('local')).id);
    await expect(getRunAdoption(await callerAs('viewer'), other.id, run.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getRunAdoption(await callerAs(null), other.id, run.id)).rejects.toThrow();
  });
});

describe('listRunTimeline', () => {
  it('lists the run’s own audit events oldest first, with the decision, stragglers and consumer in words', async () => {
    const { secret, run, worker } = await heldScene();
    const worker_ = await callerAs(null);
    const event = (action: string, detail: Record<string, string | number | boolean | null>) =>
      recordAudit(db, worker_, { action, targetType: 'secret', targetId: secret.id, detail, actor: WORKER_ACTOR });
    await event('rotation.promoted', { runId: run.id });
    await event('rotation.consumer_moved', {
      runId: run.id,
      consumer: 'orders-api',
      evidence: 'oldSessions=0, newSessions=3, clients=127.0.0.1, 127.0.0.2, applications=orders-api',
    });
    await event('rotation.held', { runId: run.id, stragglers: worker.name });
    await event('rotation.promoted', { runId: randomUUID() });
    await event('rotation.grace_ended', { runId: run.id, decision: 'all_moved', stragglers: '', retiredUser: 'orders_app_a' });
    const timeline = await listRunTimeline(await callerAs('viewer'), secret.id, run.id);
    expect(timeline.map((e) => e.action)).toEqual(['rotation.promoted', 'rotation.consumer_moved', 'rotation.held', 'rotation.grace_ended']);
    expect(timeline.map((e) => e.summary)).toEqual([
      null,
      'orders-api · 3 sessions as orders_app_b from 127.0.0.1, 127.0.0.2 (orders-api)',
      `Still on the old value: ${worker.name}`,
      'Decision: all moved · No stragglers · Retired user orders_app_a',
    ]);
    expect(timeline[2]).toMatchObject({ label: 'Rotation: retirement held for stragglers', actor: 'Rotation worker' });
  });
});

describe('listHeldRotations', () => {
  it('lists held runs with their stragglers: every team’s for an admin, the own teams’ for others', async () => {
    const held = await heldScene({ held: true });
    const notHeld = await heldScene();
    const admin = await listHeldRotations(await callerAs('admin'));
    const mine = admin.find((h) => h.runId === held.run.id);
    // The worker has checked every declared consumer before it holds: the rows are the stragglers.
    expect(mine).toMatchObject({ stragglerCount: 2, secret: { id: held.secret.id, name: held.secret.name } });
    expect(admin.some((h) => h.runId === notHeld.run.id)).toBe(false);
    const outsider = await callerAs('engineer');
    expect((await listHeldRotations(outsider)).some((h) => h.runId === held.run.id)).toBe(false);
    const member = await joinOwningTeam(await callerAs('viewer'), held.secret.id);
    expect((await listHeldRotations(member)).map((h) => h.runId)).toContain(held.run.id);
  });
});

describe('the straggler policy and the database settings on a secret', () => {
  it('defaults to retire, is saved, read back and audited on edit', async () => {
    const admin = await callerAs('admin');
    const { id } = await createSecret(admin, await secretInput());
    expect((await getSecret(admin, id)).stragglerPolicy).toBe('retire');
    await updateSecret(admin, id, await editFormOf(id, { stragglerPolicy: 'hold' }));
    expect((await getSecret(admin, id)).stragglerPolicy).toBe('hold');
    const edit = (await auditEventsFor(id)).find((e) => e.action === 'secret.update');
    expect(edit?.changes).toMatchObject({ stragglerPolicy: { before: 'retire', after: 'hold' } });
    await expect(updateSecret(admin, id, await editFormOf(id, { stragglerPolicy: 'wait_forever' }))).rejects.toMatchObject({
      fieldErrors: { stragglerPolicy: ['Choose what happens when consumers still use the old value'] },
    });
  });

  it('checks alternating-user settings field by field and the admin credential like PostgreSQL’s', async () => {
    const admin = await callerAs('admin');
    const connection = await seedConnection('local');
    const holder = await seedConnectedSecret(connection.id);
    await db.secret.update({ where: { id: holder.id }, data: { dbAdminCredential: true } });
    const base = await secretInput({ providerKind: 'local', providerRef: '', connectionId: connection.id, rotationStrategy: 'alternating_users' });
    const same = createSecret(admin, { ...base, engine: 'mysql', adminSecretId: holder.id, userA: 'orders_app', userB: 'orders_app' });
    await expect(same).rejects.toBeInstanceOf(InputError);
    await expect(same).rejects.toMatchObject({ fieldErrors: { userB: ['The two users must differ'] } });
    const unmarked = await seedConnectedSecret(connection.id);
    await expect(createSecret(admin, { ...base, engine: 'mysql', adminSecretId: unmarked.id, userA: 'a', userB: 'b' })).rejects.toMatchObject({
      fieldErrors: { adminSecretId: ['This secret is not marked as a database admin credential (an administrator marks those)'] },
    });
    const { id } = await createSecret(admin, {
      ...base,
      engine: 'mysql',
      adminSecretId: holder.id,
      userA: 'orders_app_a',
      userB: 'orders_app_b',
      retireMode: 'disable_login',
    });
    expect((await getSecret(admin, id)).rotationConfig).toEqual({
      engine: 'mysql',
      adminSecretId: holder.id,
      userA: 'orders_app_a',
      userB: 'orders_app_b',
      accountHost: '%',
      sslmode: 'verify-full',
      retireMode: 'disable_login',
    });
    const mysql = await createSecret(admin, {
      ...(await secretInput({ providerKind: 'local', providerRef: '', connectionId: connection.id })),
      rotationStrategy: 'mysql_user',
      adminSecretId: holder.id,
      user: 'billing',
      accountHost: '10.0.%',
    });
    expect((await getSecret(admin, mysql.id)).rotationConfig).toMatchObject({ user: 'billing', accountHost: '10.0.%' });
  });
});
