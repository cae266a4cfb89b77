// "Mark compromised": status, incident, an emergency rotation with no grace, and the
// checklist whose steps are checked off, timestamped and audited.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { checkIncidentStep, closeIncident, getIncident, INCIDENT_STEPS, markCompromised } from '@/lib/data/incidents';
import { writeSecretValue } from '@/lib/data/secret-values';
import { db } from '@/lib/db';
import { ForbiddenError, InputError } from '@/lib/errors';
import { LocalProvider } from '@/lib/providers/local';
import { advanceRotation } from '@/lib/rotation/engine';
import { auditEventsFor, callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

async function leakedSecret() {
  const engineer = await callerAs('engineer');
  const secret = await seedConnectedSecret((await seedConnection('local')).id);
  await joinOwningTeam(engineer, secret.id);
  await db.secret.update({ where: { id: secret.id }, data: { rotationStrategy: 'generated' } });
  await writeSecretValue(engineer, secret.id, { mode: 'enter', note: '', idempotencyToken: randomUUID() }, `leaked-${randomUUID()}`);
  return { engineer, secret };
}

describe('marking a secret compromised', () => {
  it('opens an incident and rotates at once with no grace: the leaked version stops working', async () => {
    const { engineer, secret } = await leakedSecret();
    const clock = new ManualClock();
    const result = await markCompromised(engineer, secret.id, { reason: 'Pasted into a public gist' }, clock);
    expect(result.rotationError).toBeNull();
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).status).toBe('compromised');
    const run = await db.rotationRun.findUniqueOrThrow({ where: { id: result.runId! } });
    expect(run).toMatchObject({ trigger: 'emergency', graceHours: 0, note: 'Pasted into a public gist' });

    await advanceRotation(run.id, clock, 'w');
    expect((await db.rotationRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe('completed');
    expect((await new LocalProvider().listVersions(secret.providerRef)).map((v) => [v.versionId, v.state])).toEqual([
      ['2', 'enabled'],
      ['1', 'disabled'],
    ]);
    const incident = await getIncident(engineer, result.incidentId);
    expect(incident).toMatchObject({ reason: 'Pasted into a public gist', rotationState: 'completed', closedAt: null });
    expect(incident.steps.map((s) => s.step)).toEqual(INCIDENT_STEPS.map((s) => s.step));
    expect((await auditEventsFor(secret.id)).map((e) => e.action)).toContain('secret.mark_compromised');
  });

  it('keeps the checklist: each step once, timestamped, audited; the incident closes when all are done', async () => {
    const { engineer, secret } = await leakedSecret();
    const clock = new ManualClock(new Date('2026-11-26T12:00:00Z'));
    const { incidentId } = await markCompromised(engineer, secret.id, { reason: 'Laptop stolen' }, clock);
    await expect(closeIncident(engineer, incidentId, clock)).rejects.toThrow(/Check off every step first/);
    await checkIncidentStep(engineer, incidentId, { step: 'revoke', note: 'Key deleted in the vendor console' }, clock);
    await expect(checkIncidentStep(engineer, incidentId, { step: 'revoke' }, clock)).rejects.toThrow(InputError);
    for (const { step } of INCIDENT_STEPS.slice(1)) await checkIncidentStep(engineer, incidentId, { step }, clock);
    await closeIncident(engineer, incidentId, clock);
    const incident = await getIncident(engineer, incidentId);
    expect(incident.closedAt).toBe('2026-11-26T12:00:00.000Z');
    expect(incident.steps[0]).toMatchObject({
      checkedByEmail: engineer.user!.email,
      note: 'Key deleted in the vendor console',
      checkedAt: '2026-11-26T12:00:00.000Z',
    });
    const checks = (await auditEventsFor(secret.id)).filter((e) => e.action === 'incident.step_check');
    expect(checks).toHaveLength(INCIDENT_STEPS.length);
  });

  it.each(['viewer', 'auditor'] as const)('a %s cannot mark a secret compromised; nothing changes', async (role) => {
    const { secret } = await leakedSecret();
    await expect(markCompromised(await callerAs(role), secret.id, { reason: 'I think it leaked' })).rejects.toThrow(ForbiddenError);
    expect((await db.secret.findUniqueOrThrow({ where: { id: secret.id } })).status).toBe('active');
    expect(await db.incident.count({ where: { secretId: secret.id } })).toBe(0);
  });
});
