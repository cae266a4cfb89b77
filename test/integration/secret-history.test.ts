import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit/record';
import { ManualClock } from '@/lib/clock';
import { db } from '@/lib/db';
import { startRotation } from '@/lib/data/rotations';
import { listSecretHistory } from '@/lib/data/secret-history';
import { writeSecretValue } from '@/lib/data/secret-values';
import { createSecret, decommissionSecret, getSecret, updateSecret } from '@/lib/data/secrets';
import { ForbiddenError } from '@/lib/errors';
import { advanceRotation } from '@/lib/rotation/engine';
import { callerAs, joinOwningTeam, secretInput, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

/** A secret with five events: create, three updates, decommission. */
async function secretWithHistory() {
  const engineer = await callerAs('engineer');
  const input = await secretInput({ classification: 'critical', tags: 'pci' });
  const { id } = await createSecret(engineer, input);
  await joinOwningTeam(engineer, id);
  for (const classification of ['important', 'sensitive'] as const) {
    const { updatedAt } = await getSecret(engineer, id);
    await updateSecret(engineer, id, { ...input, classification, expectedUpdatedAt: updatedAt });
  }
  const { updatedAt } = await getSecret(engineer, id);
  await updateSecret(engineer, id, { ...input, classification: 'sensitive', tags: 'pci, database', rotationIntervalDays: '', expectedUpdatedAt: updatedAt });
  await decommissionSecret(engineer, id, { reason: 'service retired' });
  return { engineer, id, input };
}

describe('secret history', () => {
  it('pages newest first through every event exactly once', async () => {
    const { id } = await secretWithHistory();
    // Another secret's events must not leak into this one's history.
    await secretWithHistory();
    const viewer = await callerAs('viewer');

    const pages: string[][] = [];
    let after: string | undefined;
    do {
      const page = await listSecretHistory(viewer, id, { after, limit: 2 });
      pages.push(page.items.map((e) => e.id));
      after = page.nextCursor ?? undefined;
    } while (after);

    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const ids = pages.flat();
    const stored = await db.auditEvent.findMany({ where: { targetType: 'secret', targetId: id }, orderBy: { id: 'desc' }, select: { id: true } });
    expect(ids).toEqual(stored.map((e) => e.id.toString()));

    const all = await listSecretHistory(viewer, id, { limit: 10 });
    expect(all.nextCursor).toBeNull();
    expect(all.items.map((e) => e.action)).toEqual(['secret.decommission', 'secret.update', 'secret.update', 'secret.update', 'secret.create']);
    const times = all.items.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('maps stored changes into before/after strings and keeps the decommission reason', async () => {
    const { engineer, id, input } = await secretWithHistory();
    const { items } = await listSecretHistory(engineer, id, { limit: 10 });
    const [decommission, lastUpdate, , firstUpdate, create] = items;

    expect(decommission).toMatchObject({
      outcome: 'success',
      actor: { email: engineer.user!.email, role: 'engineer' },
      changes: [{ field: 'status', before: 'active', after: 'decommissioned' }],
      note: 'service retired',
    });
    expect(firstUpdate.changes).toEqual([{ field: 'classification', before: 'critical', after: 'important' }]);
    expect(lastUpdate.changes).toEqual(
      expect.arrayContaining([
        { field: 'rotationIntervalDays', before: '90', after: null },
        { field: 'tags', before: 'pci', after: 'database, pci' },
      ]),
    );
    expect(create.changes).toContainEqual({ field: 'name', before: null, after: input.name });
    expect(create.changes).toContainEqual({ field: 'lastRotatedAt', before: null, after: '2026-01-15' });
    expect(items.map((e) => e.label)).toEqual(['Decommissioned', 'Edited', 'Edited', 'Edited', 'Created']);
  });

  it("labels every rotation step and says what it did instead of 'no field changes'", async () => {
    const engineer = await callerAs('engineer');
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    await joinOwningTeam(engineer, secret.id);
    await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'generated', graceHours: 24 } });
    await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `first-${randomUUID()}`);
    const clock = new ManualClock(new Date('2026-11-26T10:00:00Z'));
    const { runId } = await startRotation(engineer, secret.id, {}, clock);
    await advanceRotation(runId, clock, 'worker-a');

    const { items } = await listSecretHistory(engineer, secret.id, { limit: 20 });
    const byAction = new Map(items.map((e) => [e.action, e]));
    expect([...byAction.keys()]).toEqual(['rotation.promoted', 'rotation.verified', 'rotation.value_written', 'rotation.start', 'secret.value_write']);
    for (const event of items) {
      expect(event.label).not.toBe(event.action);
      expect(event.note).toBeTruthy();
    }
    expect(byAction.get('rotation.promoted')).toMatchObject({
      label: 'Rotation: new value promoted',
      note: 'The new value is current (grace period until 2026-11-27 10:00:00 UTC)',
    });
    expect(byAction.get('rotation.start')?.note).toBe('Started by hand');
    expect(byAction.get('rotation.verified')?.note).toBe('The provider holds the new value');
  });

  it('shows the time of a date that changed within one day, and hides a change that reads the same', async () => {
    const { engineer, id } = await secretWithHistory();
    const write = (before: string, after: string) =>
      recordAudit(db, engineer, {
        action: 'secret.value_write',
        targetType: 'secret',
        targetId: id,
        changes: { lastRotatedAt: { before, after } },
        detail: { source: 'entered', providerVersionId: '3' },
      });
    await write('2026-12-05T22:00:00.000Z', '2026-12-06T09:15:00.000Z');
    await write('2026-12-06T09:15:00.000Z', '2026-12-06T14:30:05.000Z');
    await write('2026-12-06T14:30:05.000Z', '2026-12-06T14:30:05.000Z');
    const [same, sameDay, nextDay] = (await listSecretHistory(engineer, id, { limit: 3 })).items;
    expect(nextDay.changes).toEqual([{ field: 'lastRotatedAt', before: '2026-12-05', after: '2026-12-06' }]);
    expect(sameDay.changes).toEqual([{ field: 'lastRotatedAt', before: '2026-12-06 09:15:00 UTC', after: '2026-12-06 14:30:05 UTC' }]);
    expect(same.changes).toEqual([]);
    expect(same).toMatchObject({ label: 'New value written', note: 'Entered a value (provider version 3)' });
  });

  it('treats a malformed cursor as the first page', async () => {
    const { engineer, id } = await secretWithHistory();
    const first = await listSecretHistory(engineer, id, { limit: 3 });
    for (const after of ['abc', '-1', '0', '1; DROP TABLE audit_events', '9'.repeat(40)]) {
      const page = await listSecretHistory(engineer, id, { after, limit: 3 });
      expect(page.items.map((e) => e.id)).toEqual(first.items.map((e) => e.id));
    }
  });

  it('shows denied attempts on the secret with a readable note', async () => {
    const { id, input } = await secretWithHistory();
    const viewer = await callerAs('viewer');
    await expect(updateSecret(viewer, id, input)).rejects.toBeInstanceOf(ForbiddenError);
    const [latest] = (await listSecretHistory(viewer, id, { limit: 1 })).items;
    expect(latest).toMatchObject({
      action: 'secret.update',
      outcome: 'denied',
      actor: { email: viewer.user!.email, role: 'viewer' },
      changes: [],
      note: 'Missing permission secrets.write',
    });
  });

  it('denies a signed-out caller, audits the denial and returns nothing', async () => {
    const { id } = await secretWithHistory();
    const signedOut = await callerAs(null);
    const before = await db.auditEvent.count();

    await expect(listSecretHistory(signedOut, id, { limit: 10 })).rejects.toBeInstanceOf(ForbiddenError);

    expect(await db.auditEvent.count()).toBe(before + 1);
    const denial = await db.auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(denial).toMatchObject({
      action: 'secret.history',
      outcome: 'denied',
      actorId: null,
      targetType: 'secret',
      targetId: id,
      detail: { permission: 'secrets.read', reason: 'signed_out' },
    });
  });
});
