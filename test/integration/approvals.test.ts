// The two-person rule: with a classification policy that requires approval, a value
// write or rotation start of such a secret in production is refused (audited, nothing
// written) until a second person of the owning team, or an admin, approves the
// requester's request; the approval is used once, by the requester only, within its
// time. Requests and decisions are audited and notified; secrets the rule does not
// cover are unaffected.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { ForbiddenError } from '@/lib/errors';
import type { Caller } from '@/lib/auth/caller';
import { cancelApproval, decideApproval, listSecretApprovals, requestApproval } from '@/lib/data/approvals';
import { listPolicies, updatePolicy } from '@/lib/data/policies';
import { startRotation } from '@/lib/data/rotations';
import { writeSecretValue } from '@/lib/data/secret-values';
import { updateSecret } from '@/lib/data/secrets';
import { markCompromised } from '@/lib/data/incidents';
import { ZNotificationPayload } from '@/lib/notifications/events';
import { callerAs, environmentId, joinOwningTeam, seedConnectedSecret, seedConnection, seedTeam, editFormOf } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const NEEDS_APPROVAL = "This secret needs a second person's approval: request it on the Secrets Management tab.";
const ROTATION_NEEDS_APPROVAL = "This secret needs a second person's approval: request it on the Rotation tab.";
const NOT_IN_TEAM = /^Only members of .+, the team that owns this secret, can do that\./;
const enter = () => ({ mode: 'enter', note: '', idempotencyToken: randomUUID() });
const value = () => `approved-value-${randomUUID()}`;

async function requireApprovalFor(classification: 'critical' | 'important' | 'sensitive', on: boolean) {
  await db.classificationPolicy.update({ where: { classification }, data: { requireApproval: on } });
}

beforeAll(async () => {
  // The seeded secrets are critical; the rule covers them in production.
  await requireApprovalFor('critical', true);
});

async function gatedSecret(environment: 'production' | 'staging' = 'production') {
  return seedConnectedSecret((await seedConnection('local')).id, { environment });
}

/** Two engineers of the owning team: the requester and a second person. */
async function twoMembers(secretId: string): Promise<[Caller, Caller]> {
  return [await joinOwningTeam(await callerAs('engineer'), secretId), await joinOwningTeam(await callerAs('engineer'), secretId)];
}

const versionsOf = (secretId: string) => db.secretVersion.findMany({ where: { secretId } });
const approvalOf = (id: string) => db.changeApproval.findUniqueOrThrow({ where: { id } });
const deniedOf = (caller: Caller) => db.auditEvent.findMany({ where: { actorId: caller.user!.id, outcome: 'denied' }, orderBy: { id: 'asc' } });

describe('a gated secret in production', () => {
  it('refuses a value write without an approval: audited, nothing written', async () => {
    const secret = await gatedSecret();
    const [member] = await twoMembers(secret.id);
    await expect(writeSecretValue(member, secret.id, enter(), value())).rejects.toThrow(NEEDS_APPROVAL);
    await expect(writeSecretValue(member, secret.id, enter(), value())).rejects.toBeInstanceOf(ForbiddenError);
    expect(await versionsOf(secret.id)).toEqual([]);
    expect(await db.pendingValueWrite.count({ where: { secretId: secret.id } })).toBe(0);
    const denied = await deniedOf(member);
    expect(denied.map((e) => [e.action, e.targetId, (e.detail as { reason: string }).reason])).toEqual([
      ['secret.value_write', secret.id, 'approval_required'],
      ['secret.value_write', secret.id, 'approval_required'],
    ]);
  });

  it('request, own approval refused, approval by a second member: the write succeeds once and uses the approval', async () => {
    const secret = await gatedSecret();
    const [requester, second] = await twoMembers(secret.id);
    const channel = await db.notificationChannel.create({
      data: { name: `approvals-${randomUUID()}`, kind: 'webhook', url: 'http://127.0.0.1:9/hook', events: ['approval.requested', 'approval.decided'] },
    });

    const { approvalId } = await requestApproval(requester, secret.id, { kind: 'value_write', note: 'Rotating the vendor key after the contract change' });
    await expect(requestApproval(requester, secret.id, { kind: 'value_write', note: '' })).rejects.toThrow(/already asked/);
    expect((await listSecretApprovals(second, secret.id)).others).toMatchObject([{ id: approvalId, state: 'pending', mayDecide: true }]);
    expect((await listSecretApprovals(requester, secret.id)).mine.value_write).toMatchObject({ id: approvalId, state: 'pending', mayDecide: false });

    await expect(decideApproval(requester, approvalId, { decision: 'approve', note: '' })).rejects.toThrow(/a second person has to decide/);
    expect(await deniedOf(requester)).toMatchObject([{ action: 'approval.approve', detail: { reason: 'own_request', approvalId } }]);
    expect((await approvalOf(approvalId)).state).toBe('pending');
    // Still waiting: the requester cannot write yet.
    await expect(writeSecretValue(requester, secret.id, enter(), value())).rejects.toThrow(NEEDS_APPROVAL);

    await decideApproval(second, approvalId, { decision: 'approve', note: 'Checked with the vendor' });
    expect(await approvalOf(approvalId)).toMatchObject({ state: 'approved', decidedById: second.user!.id, usedAt: null });
    // The approval is the requester's: the approver cannot use it.
    await expect(writeSecretValue(second, secret.id, enter(), value())).rejects.toThrow(NEEDS_APPROVAL);

    await expect(writeSecretValue(requester, secret.id, enter(), value())).resolves.toMatchObject({ versionId: '1' });
    expect(await approvalOf(approvalId)).toMatchObject({ state: 'used', usedAt: expect.any(Date) });
    await expect(writeSecretValue(requester, secret.id, enter(), value())).rejects.toThrow(NEEDS_APPROVAL);
    expect(await versionsOf(secret.id)).toHaveLength(1);

    const trail = await db.auditEvent.findMany({ where: { targetId: secret.id, outcome: 'success' }, orderBy: { id: 'asc' } });
    expect(trail.map((e) => e.action)).toEqual(['approval.request', 'approval.approve', 'approval.use', 'secret.value_write']);

    const deliveries = await db.notificationDelivery.findMany({ where: { channelId: channel.id }, orderBy: { createdAt: 'asc' } });
    expect(deliveries.map((d) => d.event)).toEqual(['approval.requested', 'approval.decided']);
    const decided = ZNotificationPayload.parse(deliveries[1].payload);
    expect(decided.approval).toEqual({
      id: approvalId,
      kind: 'value_write',
      state: 'approved',
      requestedBy: requester.user!.email,
      decidedBy: second.user!.email,
    });
  });

  it('an admin may approve; an engineer of another team may not (team scope, audited)', async () => {
    const secret = await gatedSecret();
    const [requester] = await twoMembers(secret.id);
    const outsider = await callerAs('engineer');
    await db.teamMember.create({ data: { teamId: (await seedTeam()).id, userId: outsider.user!.id } });
    const viewer = await callerAs('viewer');
    const { approvalId } = await requestApproval(requester, secret.id, { kind: 'value_write', note: '' });

    expect((await listSecretApprovals(outsider, secret.id)).others).toMatchObject([{ id: approvalId, mayDecide: false }]);
    await expect(decideApproval(outsider, approvalId, { decision: 'approve', note: '' })).rejects.toThrow(NOT_IN_TEAM);
    expect(await deniedOf(outsider)).toMatchObject([{ action: 'approval.approve', detail: { reason: 'not_team_member' } }]);
    await expect(decideApproval(viewer, approvalId, { decision: 'approve', note: '' })).rejects.toThrow('You do not have permission to do that.');
    expect((await approvalOf(approvalId)).state).toBe('pending');

    const admin = await callerAs('admin');
    await decideApproval(admin, approvalId, { decision: 'approve', note: '' });
    await expect(writeSecretValue(requester, secret.id, enter(), value())).resolves.toMatchObject({ versionId: '1' });

    // An admin's own request needs a second person too.
    const own = await requestApproval(admin, secret.id, { kind: 'rotation', note: '' });
    await expect(decideApproval(admin, own.approvalId, { decision: 'approve', note: '' })).rejects.toThrow(/a second person has to decide/);
    await expect(startRotation(admin, secret.id)).rejects.toThrow(ROTATION_NEEDS_APPROVAL);
  });

  it('a refusal closes the request: the write stays refused and the request cannot be approved afterwards', async () => {
    const secret = await gatedSecret();
    const [requester, second] = await twoMembers(secret.id);
    const { approvalId } = await requestApproval(requester, secret.id, { kind: 'value_write', note: '' });
    await decideApproval(second, approvalId, { decision: 'refuse', note: 'Not during the freeze' });
    expect(await approvalOf(approvalId)).toMatchObject({ state: 'refused', decisionNote: 'Not during the freeze' });
    await expect(decideApproval(second, approvalId, { decision: 'approve', note: '' })).rejects.toThrow(/no longer waiting/);
    await expect(writeSecretValue(requester, secret.id, enter(), value())).rejects.toThrow(NEEDS_APPROVAL);
    expect(await versionsOf(secret.id)).toEqual([]);
    expect((await db.auditEvent.findMany({ where: { targetId: secret.id, action: 'approval.refuse' } })).length).toBe(1);
  });

  it('a pending request and an approval expire', async () => {
    const secret = await gatedSecret();
    const [requester, second] = await twoMembers(secret.id);
    const pending = await requestApproval(requester, secret.id, { kind: 'value_write', note: '' });
    await db.changeApproval.update({ where: { id: pending.approvalId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(decideApproval(second, pending.approvalId, { decision: 'approve', note: '' })).rejects.toThrow(/no longer waiting/);

    const again = await requestApproval(requester, secret.id, { kind: 'value_write', note: '' }); // the expired one does not block a new one
    await decideApproval(second, again.approvalId, { decision: 'approve', note: '' });
    const approved = await approvalOf(again.approvalId);
    expect(approved.expiresAt.getTime() - approved.decidedAt!.getTime()).toBe(24 * 3600 * 1000);
    await db.changeApproval.update({ where: { id: again.approvalId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(writeSecretValue(requester, secret.id, enter(), value())).rejects.toThrow(NEEDS_APPROVAL);
    expect(await versionsOf(secret.id)).toEqual([]);
  });

  it('two concurrent writes cannot both use one approval', async () => {
    const secret = await gatedSecret();
    const [requester, second] = await twoMembers(secret.id);
    const { approvalId } = await requestApproval(requester, secret.id, { kind: 'value_write', note: '' });
    await decideApproval(second, approvalId, { decision: 'approve', note: '' });

    const outcomes = await Promise.allSettled([1, 2, 3].map(() => writeSecretValue(requester, secret.id, enter(), value())));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(ForbiddenError);
    expect(await versionsOf(secret.id)).toHaveLength(1);
    expect((await approvalOf(approvalId)).state).toBe('used');
  });

  it('the requester may cancel; nobody else may', async () => {
    const secret = await gatedSecret();
    const [requester, second] = await twoMembers(secret.id);
    const { approvalId } = await requestApproval(requester, secret.id, { kind: 'value_write', note: '' });
    await expect(cancelApproval(second, approvalId)).rejects.toThrow('Only the person who asked can cancel this request.');
    expect(await deniedOf(second)).toMatchObject([{ action: 'approval.cancel', detail: { reason: 'not_requester' } }]);
    await cancelApproval(requester, approvalId);
    expect((await approvalOf(approvalId)).state).toBe('cancelled');
    await expect(decideApproval(second, approvalId, { decision: 'approve', note: '' })).rejects.toThrow(/no longer waiting/);
  });

  it('gates a rotation start the same way; a value-write approval does not unlock it, and a failed start gives the approval back', async () => {
    const secret = await gatedSecret();
    const [requester, second] = await twoMembers(secret.id);
    await expect(startRotation(requester, secret.id)).rejects.toThrow(ROTATION_NEEDS_APPROVAL);
    expect(await deniedOf(requester)).toMatchObject([{ action: 'rotation.start', detail: { reason: 'approval_required', permission: 'secrets.rotate' } }]);

    const write = await requestApproval(requester, secret.id, { kind: 'value_write', note: '' });
    await decideApproval(second, write.approvalId, { decision: 'approve', note: '' });
    await expect(startRotation(requester, secret.id)).rejects.toThrow(ROTATION_NEEDS_APPROVAL);
    expect(await db.rotationRun.count({ where: { secretId: secret.id } })).toBe(0);

    const rotate = await requestApproval(requester, secret.id, { kind: 'rotation', note: 'Quarterly' });
    await decideApproval(second, rotate.approvalId, { decision: 'approve', note: '' });
    // A start that fails after the claim (another run holds the slot) does not burn the approval.
    await db.secret.update({ where: { id: secret.id }, data: { activeRotationId: randomUUID() } });
    await expect(startRotation(requester, secret.id)).rejects.toThrow(/already in progress/);
    expect(await approvalOf(rotate.approvalId)).toMatchObject({ state: 'approved', usedAt: null });
    await db.secret.update({ where: { id: secret.id }, data: { activeRotationId: null } });

    await expect(startRotation(requester, secret.id)).resolves.toMatchObject({ runId: expect.any(String) });
    expect((await approvalOf(rotate.approvalId)).state).toBe('used');
    expect((await approvalOf(write.approvalId)).state).toBe('approved'); // still the requester's for a value write
  });

  it('marking a secret compromised is not held up: its emergency rotation is not gated', async () => {
    const secret = await gatedSecret();
    const [member] = await twoMembers(secret.id);
    await expect(markCompromised(member, secret.id, { reason: 'Key pasted in a public channel' })).resolves.toMatchObject({ runId: expect.any(String) });
  });
});

describe('editing a gated secret', () => {
  it('an engineer of the owning team cannot take it out of the rule (re-classify, leave production); an admin can', async () => {
    const secret = await gatedSecret();
    const [member] = await twoMembers(secret.id);
    const before = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    for (const change of [{ classification: 'sensitive' }, { environmentId: await environmentId('staging') }]) {
      await expect(updateSecret(member, secret.id, await editFormOf(secret.id, change))).rejects.toThrow(/only an administrator can move it/);
    }
    expect(await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).toEqual(before);
    expect((await deniedOf(member)).map((e) => [e.action, (e.detail as { reason: string }).reason])).toEqual([
      ['secret.update', 'lifts_approval_rule'],
      ['secret.update', 'lifts_approval_rule'],
    ]);
    // Edits that keep it covered are the team's as before.
    await updateSecret(member, secret.id, await editFormOf(secret.id, { description: 'Vendor API key', rotationIntervalDays: '30' }));

    await updateSecret(await callerAs('admin'), secret.id, await editFormOf(secret.id, { classification: 'sensitive' }));
    await expect(writeSecretValue(member, secret.id, enter(), value())).resolves.toMatchObject({ versionId: '1' });
  });
});

describe('secrets the rule does not cover', () => {
  it('staging, and production with the policy off, write and rotate without approval; a request is refused as unneeded', async () => {
    const staging = await gatedSecret('staging');
    const [member] = await twoMembers(staging.id);
    await expect(writeSecretValue(member, staging.id, enter(), value())).resolves.toMatchObject({ versionId: '1' });
    await expect(requestApproval(member, staging.id, { kind: 'value_write', note: '' })).rejects.toThrow(/does not need approval/);
    expect((await listSecretApprovals(member, staging.id)).required).toBe(false);

    const production = await gatedSecret();
    await joinOwningTeam(member, production.id);
    await requireApprovalFor('critical', false);
    try {
      await expect(writeSecretValue(member, production.id, enter(), value())).resolves.toMatchObject({ versionId: '1' });
      await expect(startRotation(member, production.id)).resolves.toMatchObject({ runId: expect.any(String) });
    } finally {
      await requireApprovalFor('critical', true);
    }
    expect(await deniedOf(member)).toEqual([]);
  });
});

describe('the policy switch', () => {
  it('is changed by admins on the policy form, audited with before and after', async () => {
    const admin = await callerAs('admin');
    const important = (await listPolicies(admin)).find((p) => p.classification === 'important')!;
    expect(important.requireApproval).toBe(false);
    await updatePolicy(admin, 'important', {
      intervalDays: '90',
      graceHours: '24',
      reminderDays: '14',
      requireApproval: 'on',
      expectedUpdatedAt: important.updatedAt,
    });
    expect((await listPolicies(admin)).find((p) => p.classification === 'important')!.requireApproval).toBe(true);
    const [event] = await db.auditEvent.findMany({ where: { action: 'policy.update', targetId: 'important' } });
    expect(event.changes).toEqual({ requireApproval: { before: false, after: true } });
    await expect(updatePolicy(await callerAs('engineer'), 'important', { intervalDays: '90', graceHours: '24', reminderDays: '14' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
