// Rotation defaults per classification (admins edit them) and a secret's own rotation
// policy fields on the inventory form.
import { describe, expect, it } from 'vitest';
import type { Role } from '@/generated/prisma/enums';
import { db } from '@/lib/db';
import { listPolicies, updatePolicy } from '@/lib/data/policies';
import { createSecret, getSecret, updateSecret } from '@/lib/data/secrets';
import { ForbiddenError, InputError } from '@/lib/errors';
import { auditEventsFor, callerAs, secretInput, joinOwningTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { errorOf } from '../support/errors';

useTestDatabase();

const policyRows = () => db.classificationPolicy.findMany({ orderBy: { classification: 'asc' } });

describe('classification policies', () => {
  it('starts with the seeded defaults, readable by every role', async () => {
    for (const role of ['viewer', 'engineer', 'auditor', 'admin'] as const) {
      const policies = await listPolicies(await callerAs(role));
      expect(policies.map(({ updatedAt: _u, ...p }) => p)).toEqual([
        { classification: 'critical', intervalDays: 90, graceHours: 24, reminderDays: 14, requireApproval: false },
        { classification: 'important', intervalDays: 90, graceHours: 24, reminderDays: 14, requireApproval: false },
        { classification: 'sensitive', intervalDays: 180, graceHours: 24, reminderDays: 14, requireApproval: false },
      ]);
    }
    await expect(listPolicies(await callerAs(null))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lets an admin change a default, auditing before and after; an unchanged save writes nothing', async () => {
    const admin = await callerAs('admin');
    const [critical] = await listPolicies(admin);
    await updatePolicy(admin, 'critical', { intervalDays: '60', graceHours: '12', reminderDays: '14', expectedUpdatedAt: critical.updatedAt });
    const after = (await listPolicies(admin))[0];
    expect(after).toMatchObject({ classification: 'critical', intervalDays: 60, graceHours: 12, reminderDays: 14 });
    const events = await auditEventsFor('critical');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'policy.update',
      outcome: 'success',
      targetType: 'classification_policy',
      actorId: admin.user!.id,
      changes: { intervalDays: { before: 90, after: 60 }, graceHours: { before: 24, after: 12 } },
    });

    await updatePolicy(admin, 'critical', { intervalDays: '60', graceHours: '12', reminderDays: '14', expectedUpdatedAt: after.updatedAt });
    expect(await auditEventsFor('critical')).toHaveLength(1);
    expect((await listPolicies(admin))[0].updatedAt).toBe(after.updatedAt);
  });

  it('refuses a save based on an outdated form, and invalid numbers with field errors', async () => {
    const admin = await callerAs('admin');
    const [, important] = await listPolicies(admin);
    await updatePolicy(admin, 'important', { intervalDays: '80', graceHours: '24', reminderDays: '14', expectedUpdatedAt: important.updatedAt });
    const before = await policyRows();

    const stale = await errorOf(
      updatePolicy(admin, 'important', { intervalDays: '70', graceHours: '24', reminderDays: '14', expectedUpdatedAt: important.updatedAt }),
    );
    expect(stale).toBeInstanceOf(InputError);
    expect((stale as InputError).message).toMatch(/Someone else saved this policy/);

    const invalid = (await errorOf(
      updatePolicy(admin, 'important', { intervalDays: '0', graceHours: '-1', reminderDays: '', expectedUpdatedAt: '' }),
    )) as InputError;
    expect(invalid.fieldErrors).toEqual({
      intervalDays: ['At least 1 days'],
      graceHours: ['At least 0 hours'],
      reminderDays: ['Enter a whole number of days'],
    });
    const reminderTooLong = (await errorOf(updatePolicy(admin, 'important', { intervalDays: '7', graceHours: '1', reminderDays: '7' }))) as InputError;
    expect(reminderTooLong.fieldErrors).toEqual({ reminderDays: [expect.stringMatching(/less than one interval/)] });
    expect(await errorOf(updatePolicy(admin, 'secret', { intervalDays: '7', graceHours: '1', reminderDays: '1' }))).toBeInstanceOf(InputError);
    expect(await policyRows()).toEqual(before);
  });

  it.each<Role | null>(['engineer', 'viewer', 'auditor', null])('refuses %s, audits the denial and changes nothing', async (role) => {
    const caller = await callerAs(role);
    const before = await policyRows();
    const error = await errorOf(updatePolicy(caller, 'sensitive', { intervalDays: '30', graceHours: '1', reminderDays: '7' }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(await policyRows()).toEqual(before);
    const denied = await db.auditEvent.findMany({ where: { action: 'policy.update', outcome: 'denied', actorId: caller.user?.id ?? null } });
    expect(denied.at(-1)).toMatchObject({
      targetType: 'classification_policy',
      targetId: 'sensitive',
      detail: { permission: 'admin.policies', reason: caller.user ? 'missing_permission' : 'signed_out' },
    });
  });
});

describe('a secret’s rotation policy fields', () => {
  it('stores strategy, grace, reminder and automatic rotation, blank meaning the default, and audits changes', async () => {
    const engineer = await callerAs('engineer');
    const { id } = await createSecret(engineer, await secretInput({ rotationStrategy: 'generated', graceHours: '', reminderDays: '7', autoRotate: 'on' }));
    await joinOwningTeam(engineer, id);
    const created = await getSecret(engineer, id);
    expect(created).toMatchObject({ rotationStrategy: 'generated', graceHours: null, reminderDays: 7, autoRotate: true });

    const input = await secretInput({
      name: created.name,
      ownerTeamId: created.ownerTeam.id,
      // (The PostgreSQL strategy would need its settings; the Lambda ARN is optional.)
      rotationStrategy: 'provider_native',
      graceHours: '0',
      reminderDays: '',
      expectedUpdatedAt: created.updatedAt,
    });
    await updateSecret(engineer, id, input);
    expect(await getSecret(engineer, id)).toMatchObject({ rotationStrategy: 'provider_native', graceHours: 0, reminderDays: null, autoRotate: false });
    const [createEvent, updateEvent] = await auditEventsFor(id);
    expect(createEvent.changes).toMatchObject({ rotationStrategy: { before: null, after: 'generated' }, autoRotate: { after: true } });
    expect(updateEvent.changes).toMatchObject({
      rotationStrategy: { before: 'generated', after: 'provider_native' },
      graceHours: { before: null, after: 0 },
      reminderDays: { before: 7, after: null },
      autoRotate: { before: true, after: false },
    });
  });

  it('defaults to a manual strategy without automatic rotation, and refuses automatic rotation where it cannot work', async () => {
    const engineer = await callerAs('engineer');
    const { id } = await createSecret(engineer, await secretInput());
    await joinOwningTeam(engineer, id);
    expect(await getSecret(engineer, id)).toMatchObject({ rotationStrategy: 'manual', graceHours: null, reminderDays: null, autoRotate: false });

    const count = await db.secret.count();
    const manual = (await errorOf(createSecret(engineer, await secretInput({ autoRotate: 'on' })))) as InputError;
    expect(manual.fieldErrors.autoRotate).toEqual([expect.stringMatching(/Manual rotations need a person/)]);
    const noInterval = (await errorOf(
      createSecret(engineer, await secretInput({ autoRotate: 'on', rotationStrategy: 'generated', rotationIntervalDays: '' })),
    )) as InputError;
    expect(noInterval.fieldErrors.autoRotate).toEqual(['Automatic rotation needs a rotation interval']);
    const ranges = (await errorOf(
      createSecret(engineer, await secretInput({ graceHours: '721', reminderDays: '1.5', rotationStrategy: 'magic' })),
    )) as InputError;
    expect(Object.keys(ranges.fieldErrors).sort()).toEqual(['graceHours', 'reminderDays', 'rotationStrategy']);
    expect(await db.secret.count()).toBe(count);
  });
});
