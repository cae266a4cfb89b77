// The audit trail's retention period (audit_settings): "keep forever" until an administrator
// chooses a number of days; auditors and admins read it, only admins change it, every
// change is audited with before/after, refusals are audited, bad input and stale forms
// change nothing. (What the period does to `npm run audit:purge`: audit-purge.test.ts.)
import { describe, expect, it } from 'vitest';
import type { Role } from '@/generated/prisma/enums';
import { getAuditRetention, updateAuditRetention } from '@/lib/data/audit-retention';
import { db } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import { callerAs } from '../support/seed';
import { useTestDatabase } from '../support/test-database';
import { errorOf } from '../support/errors';

useTestDatabase();

const settingsRow = () => db.auditSettings.findUniqueOrThrow({ where: { id: 1 } });
const eventsOf = (action: string) => db.auditEvent.findMany({ where: { action }, orderBy: { id: 'asc' } });

describe('audit retention period', () => {
  it('starts as "keep forever" with no purge, readable by auditors and admins only', async () => {
    for (const role of ['auditor', 'admin'] as const) {
      expect(await getAuditRetention(await callerAs(role))).toEqual({
        retentionDays: null,
        updatedAt: expect.any(String),
        lastPurge: null,
      });
    }
    for (const role of ['viewer', 'engineer', null] as const) {
      const caller = await callerAs(role);
      await expect(getAuditRetention(caller)).rejects.toBeInstanceOf(ForbiddenError);
    }
    const denied = await eventsOf('audit.retention');
    expect(denied).toHaveLength(3);
    expect(denied.every((e) => e.outcome === 'denied' && e.targetType === 'audit_settings')).toBe(true);
    expect(denied.map((e) => (e.detail as { permission: string }).permission)).toEqual(['audit.read', 'audit.read', 'audit.read']);
  });

  it('lets an admin set a period and go back to forever, auditing before and after; an unchanged save writes nothing', async () => {
    const admin = await callerAs('admin');
    const start = await getAuditRetention(admin);
    expect(await updateAuditRetention(admin, { keep: 'days', retentionDays: '400', expectedUpdatedAt: start.updatedAt })).toEqual({ retentionDays: 400 });
    const set = await getAuditRetention(admin);
    expect(set.retentionDays).toBe(400);

    // Unchanged: no write, no event, same updatedAt.
    await updateAuditRetention(admin, { keep: 'days', retentionDays: '400', expectedUpdatedAt: set.updatedAt });
    expect((await getAuditRetention(admin)).updatedAt).toBe(set.updatedAt);

    // "Forever" ignores whatever the number field still holds.
    expect(await updateAuditRetention(admin, { keep: 'forever', retentionDays: 'junk', expectedUpdatedAt: set.updatedAt })).toEqual({ retentionDays: null });
    expect((await settingsRow()).retentionDays).toBeNull();

    const events = await eventsOf('audit.retention_update');
    expect(events.map(({ outcome, targetType, actorId, actorRole, changes }) => ({ outcome, targetType, actorId, actorRole, changes }))).toEqual([
      {
        outcome: 'success',
        targetType: 'audit_settings',
        actorId: admin.user!.id,
        actorRole: 'admin',
        changes: { retentionDays: { before: null, after: 400 } },
      },
      {
        outcome: 'success',
        targetType: 'audit_settings',
        actorId: admin.user!.id,
        actorRole: 'admin',
        changes: { retentionDays: { before: 400, after: null } },
      },
    ]);
    // Recorded last in the change's transaction: the chain head is this event.
    const [head] = await db.$queryRaw<{ seq: bigint }[]>`SELECT seq FROM audit_chain_head WHERE id = 1`;
    expect(events[1].seq).toBe(head.seq);
  });

  it('refuses every other role and signed-out callers, audits the refusal and changes nothing', async () => {
    const before = await settingsRow();
    const roles: (Role | null)[] = ['engineer', 'auditor', 'viewer', null];
    for (const role of roles) {
      const error = await errorOf(updateAuditRetention(await callerAs(role), { keep: 'days', retentionDays: '365' }));
      expect(error).toBeInstanceOf(ForbiddenError);
    }
    expect(await settingsRow()).toEqual(before);
    const denied = (await eventsOf('audit.retention_update')).filter((e) => e.outcome === 'denied');
    expect(denied.map((e) => [e.actorRole, e.detail])).toEqual([
      ['engineer', { permission: 'admin.retention', reason: 'missing_permission' }],
      ['auditor', { permission: 'admin.retention', reason: 'missing_permission' }],
      ['viewer', { permission: 'admin.retention', reason: 'missing_permission' }],
      [null, { permission: 'admin.retention', reason: 'signed_out' }],
    ]);
  });

  it('refuses periods out of bounds and unclear choices with field errors, changing nothing', async () => {
    const admin = await callerAs('admin');
    const before = await settingsRow();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ keep: 'days', retentionDays: '30' }, 'retentionDays', /^At least 90 days/],
      [{ keep: 'days', retentionDays: '89' }, 'retentionDays', /^At least 90 days/],
      [{ keep: 'days', retentionDays: '36501' }, 'retentionDays', /^At most 36,500 days; to keep events longer, choose Keep forever/],
      [{ keep: 'days', retentionDays: '365.5' }, 'retentionDays', /^Enter a whole number of days/],
      [{ keep: 'days', retentionDays: 'a year' }, 'retentionDays', /^Enter a whole number of days/],
      [{ keep: 'days', retentionDays: '' }, 'retentionDays', /^Enter a whole number of days/],
      [{ keep: 'days' }, 'retentionDays', /^Enter a whole number of days/],
      [{ retentionDays: '400' }, 'keep', /^Choose whether to keep events forever or for a number of days/],
      [{ keep: 'sometimes', retentionDays: '400' }, 'keep', /^Choose whether/],
    ];
    for (const [input, field, message] of cases) {
      const error = await errorOf(updateAuditRetention(admin, input));
      expect(error, JSON.stringify(input)).toBeInstanceOf(InputError);
      expect((error as InputError).fieldErrors[field]?.[0], JSON.stringify(input)).toMatch(message);
    }
    expect(await settingsRow()).toEqual(before);
    // The bounds themselves are accepted.
    await updateAuditRetention(admin, { keep: 'days', retentionDays: '90' });
    await updateAuditRetention(admin, { keep: 'days', retentionDays: '36500' });
    expect((await settingsRow()).retentionDays).toBe(36_500);
  });

  it('refuses a save based on an outdated form, naming what happened, and changes nothing', async () => {
    const admin = await callerAs('admin');
    const seen = await getAuditRetention(admin);
    const other = await callerAs('admin');
    await updateAuditRetention(other, { keep: 'days', retentionDays: '730', expectedUpdatedAt: seen.updatedAt });
    const after = await settingsRow();
    const updates = (await eventsOf('audit.retention_update')).length;

    const stale = await errorOf(updateAuditRetention(admin, { keep: 'days', retentionDays: '365', expectedUpdatedAt: seen.updatedAt }));
    expect(stale).toBeInstanceOf(InputError);
    expect((stale as InputError).message).toMatch(/Someone else saved this retention period after you opened it/);
    expect(await settingsRow()).toEqual(after);
    expect(await eventsOf('audit.retention_update')).toHaveLength(updates);
  });
});
