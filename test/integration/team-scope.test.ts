// Team scope: an engineer of another team cannot write values, change versions, rotate,
// handle incidents, decommission or change the guarded fields of a secret; each refusal
// is audited and changes nothing. Members of the owning team and admins can. Membership
// itself is managed by admins only, and audited.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import { markCompromised } from '@/lib/data/incidents';
import { confirmRotationWorks, startRotation } from '@/lib/data/rotations';
import { changeSecretVersion, writeSecretValue } from '@/lib/data/secret-values';
import { decommissionSecret, getSecret, updateSecret } from '@/lib/data/secrets';
import { addTeamMember, listTeamMembers, removeTeamMember } from '@/lib/data/team-members';
import { callerAs, joinOwningTeam, seedConnectedSecret, seedConnection, seedTeam, editFormOf } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const enter = () => ({ mode: 'enter', note: '', idempotencyToken: randomUUID() });
const NOT_IN_TEAM = /^Only members of .+, the team that owns this secret, can do that\./;

async function connectedSecret() {
  return seedConnectedSecret((await seedConnection('local')).id);
}

async function deniedEvents(actorId: string) {
  return db.auditEvent.findMany({ where: { actorId, outcome: 'denied' }, orderBy: { id: 'asc' } });
}

/** Everything a refused call could have changed for this secret. */
async function stateOf(secretId: string) {
  return {
    secret: await db.secret.findUniqueOrThrow({ where: { id: secretId } }),
    versions: await db.secretVersion.findMany({ where: { secretId } }),
    runs: await db.rotationRun.findMany({ where: { secretId } }),
    incidents: await db.incident.findMany({ where: { secretId } }),
  };
}

describe('an engineer of another team', () => {
  it('cannot write a value, change a version, rotate, mark compromised or decommission; each refusal is audited', async () => {
    const secret = await connectedSecret();
    const outsider = await callerAs('engineer');
    const before = await stateOf(secret.id);

    const attempts: [string, () => Promise<unknown>][] = [
      ['secret.value_write', () => writeSecretValue(outsider, secret.id, enter(), 'outsider-value-0123456789')],
      ['secret.version_change', () => changeSecretVersion(outsider, secret.id, { change: 'disable', versionId: '1' })],
      ['rotation.start', () => startRotation(outsider, secret.id)],
      ['secret.mark_compromised', () => markCompromised(outsider, secret.id, { reason: 'I say so' })],
      ['secret.decommission', () => decommissionSecret(outsider, secret.id, { reason: 'Not mine to retire' })],
    ];
    for (const [, attempt] of attempts) await expect(attempt()).rejects.toThrow(ForbiddenError);
    for (const [, attempt] of attempts) await expect(attempt()).rejects.toThrow(NOT_IN_TEAM);

    expect(await stateOf(secret.id)).toEqual(before);
    const denied = await deniedEvents(outsider.user!.id);
    expect(denied.map((e) => e.action)).toEqual([...attempts.map(([action]) => action), ...attempts.map(([action]) => action)]);
    for (const event of denied) expect(event.detail).toMatchObject({ reason: 'not_team_member', team: expect.any(String) });
  });

  it("cannot take a rotation's manual step", async () => {
    const secret = await connectedSecret();
    const member = await joinOwningTeam(await callerAs('engineer'), secret.id);
    const { runId } = await startRotation(member, secret.id);
    const outsider = await callerAs('engineer');

    await expect(confirmRotationWorks(outsider, runId)).rejects.toThrow(NOT_IN_TEAM);
    expect(await deniedEvents(outsider.user!.id)).toMatchObject([{ action: 'rotation.verified', targetId: runId }]);
  });

  it('may annotate a secret but not change its guarded fields', async () => {
    const secret = await connectedSecret();
    const outsider = await callerAs('engineer');
    const ownTeam = await seedTeam();
    await db.teamMember.create({ data: { teamId: ownTeam.id, userId: outsider.user!.id } });

    await updateSecret(outsider, secret.id, await editFormOf(secret.id, { description: 'Used by the billing job' }));
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).description).toBe('Used by the billing job');

    for (const change of [
      { providerRef: 'production/someone-elses-secret' },
      { ownerTeamId: ownTeam.id }, // taking the secret over into one's own team
      { classification: 'sensitive' },
      { rotationIntervalDays: '3650' },
    ]) {
      const before = await stateOf(secret.id);
      await expect(updateSecret(outsider, secret.id, await editFormOf(secret.id, change))).rejects.toThrow(NOT_IN_TEAM);
      expect(await stateOf(secret.id), JSON.stringify(change)).toEqual(before);
    }
    const denied = await deniedEvents(outsider.user!.id);
    expect(denied.map((e) => (e.detail as { fields: string }).fields)).toEqual(['providerRef', 'ownerTeam', 'classification', 'rotationIntervalDays']);
  });
});

describe('members of the owning team and admins', () => {
  it('a member writes values and rotates; the page is told the access', async () => {
    const secret = await connectedSecret();
    const member = await joinOwningTeam(await callerAs('engineer'), secret.id);
    expect((await getSecret(member, secret.id)).ownerTeamAccess).toBe('member');
    expect((await getSecret(await callerAs('engineer'), secret.id)).ownerTeamAccess).toBe('none');
    expect((await getSecret(await callerAs('admin'), secret.id)).ownerTeamAccess).toBe('admin');

    await expect(writeSecretValue(member, secret.id, enter(), 'member-value-0123456789abc')).resolves.toMatchObject({ versionId: '1' });
    await expect(startRotation(member, secret.id)).resolves.toMatchObject({ runId: expect.any(String) });
  });

  it('a member cannot give the secret away to a team they are not in', async () => {
    const secret = await connectedSecret();
    const member = await joinOwningTeam(await callerAs('engineer'), secret.id);
    const elsewhere = await seedTeam();
    await expect(updateSecret(member, secret.id, await editFormOf(secret.id, { ownerTeamId: elsewhere.id }))).rejects.toThrow(NOT_IN_TEAM);
    await db.teamMember.create({ data: { teamId: elsewhere.id, userId: member.user!.id } });
    await updateSecret(member, secret.id, await editFormOf(secret.id, { ownerTeamId: elsewhere.id }));
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).ownerTeamId).toBe(elsewhere.id);
  });

  it('an admin acts on every team’s secrets', async () => {
    const secret = await connectedSecret();
    const admin = await callerAs('admin');
    await expect(writeSecretValue(admin, secret.id, enter(), 'admin-value-0123456789abcdef')).resolves.toMatchObject({ versionId: '1' });
    await updateSecret(admin, secret.id, await editFormOf(secret.id, { classification: 'sensitive' }));
  });
});

describe('team membership', () => {
  it('admins add and remove members, audited; the member then may act, and after removal may not', async () => {
    const secret = await connectedSecret();
    const { ownerTeamId } = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    const admin = await callerAs('admin');
    const engineer = await callerAs('engineer');

    await addTeamMember(admin, ownerTeamId, { email: engineer.user!.email.toUpperCase() });
    expect((await listTeamMembers(engineer, ownerTeamId)).map((m) => m.email)).toEqual([engineer.user!.email]);
    await expect(writeSecretValue(engineer, secret.id, enter(), 'now-a-member-0123456789')).resolves.toBeDefined();
    await expect(addTeamMember(admin, ownerTeamId, { email: engineer.user!.email })).rejects.toThrow('Some fields need attention.');

    await removeTeamMember(admin, ownerTeamId, { userId: engineer.user!.id });
    await expect(writeSecretValue(engineer, secret.id, enter(), 'no-longer-member-012345')).rejects.toThrow(NOT_IN_TEAM);

    const events = await db.auditEvent.findMany({ where: { targetId: ownerTeamId }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.outcome, (e.detail as { member: string }).member])).toEqual([
      ['team.member_add', 'success', engineer.user!.email],
      ['team.member_remove', 'success', engineer.user!.email],
    ]);
  });

  it('engineers cannot add themselves (or anyone) to a team', async () => {
    const team = await seedTeam();
    const engineer = await callerAs('engineer');
    await expect(addTeamMember(engineer, team.id, { email: engineer.user!.email })).rejects.toThrow(ForbiddenError);
    expect(await db.teamMember.count({ where: { teamId: team.id } })).toBe(0);
    expect(await deniedEvents(engineer.user!.id)).toMatchObject([{ action: 'team.member_add', detail: { permission: 'admin.users' } }]);
  });
});
