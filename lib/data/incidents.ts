// Incident response: "mark compromised" sets the secret's status, opens an incident and
// starts an emergency rotation at once (grace zero unless overridden: a leaked value must
// stop working), notifies the channels, and keeps the emergency checklist whose steps
// are checked off, timestamped and audited.
import 'server-only';
import type { IncidentStep } from '@/generated/prisma/enums';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import { callerCan } from '@/lib/auth/token-scopes';
import { actsOnEveryTeam, authorizeActionOn, isTeamMember } from '@/lib/auth/team-scope';
import type { Caller } from '@/lib/auth/caller';
import { appClock, type Clock } from '@/lib/clock';
import { db } from '@/lib/db';
import { InputError, NotFoundError } from '@/lib/errors';
import { enqueueDeliveries, notify } from '@/lib/notifications/notify';
import { parseInput } from '@/lib/validation/parse';
import { ZIncidentStepCheck, ZMarkCompromised } from '@/lib/validation/incident';
import { uuidOrNil } from '@/lib/validation/ids';
import { invalidatingListCounts } from '@/lib/db/list-counts-cache';
import { createRun } from './rotations';

/** The emergency checklist, in the order people work through it. */
export const INCIDENT_STEPS: { step: IncidentStep; label: string; hint: string }[] = [
  { step: 'revoke', label: 'Revoke the leaked value', hint: 'Disable or delete it where it was issued (vendor console, database role).' },
  { step: 'replace', label: 'Replace it', hint: 'The emergency rotation writes a new value; confirm it is current.' },
  { step: 'redeploy', label: 'Redeploy consumers', hint: 'Restart or redeploy every consuming system so it picks up the new value.' },
  { step: 'review_access', label: 'Review access', hint: 'Check who read the secret and from where while it was exposed.' },
  { step: 'notify', label: 'Notify', hint: 'Tell the owners, security, and anyone the leak affects.' },
  { step: 'write_up', label: 'Write it up', hint: 'Record what happened, the impact, and what changes.' },
];

export type IncidentView = {
  id: string;
  secretId: string;
  secretName: string;
  environment: string;
  reason: string;
  openedByEmail: string | null;
  openedAt: string;
  closedAt: string | null;
  rotationRunId: string | null;
  rotationState: string | null;
  rotationFailure: string | null;
  steps: { step: IncidentStep; label: string; hint: string; checkedAt: string | null; checkedByEmail: string | null; note: string }[];
  /** The leak-check finding the incident was opened from; where it was is shown to the secret's team, admins and auditors. */
  leakFinding: {
    id: string;
    scanId: string;
    severity: 'current_value' | 'previous_value' | 'pattern';
    providerVersionId: string | null;
    where: { path: string; line: number | null; commit: string | null; authorDate: string | null; preview: string } | null;
  } | null;
};

export async function markCompromised(caller: Caller, secretId: string, raw: unknown, clock: Clock = appClock()) {
  const user = await authorizeActionOn(caller, 'secrets.rotate', 'secret.mark_compromised', { secretId });
  const input = parseInput(ZMarkCompromised, raw);
  const secret = await db.secret.findUnique({
    where: { id: uuidOrNil(secretId) },
    select: { id: true, status: true, environment: { select: { name: true } }, activeRotationId: true },
  });
  if (!secret) throw new NotFoundError('This secret does not exist.');
  if (secret.status === 'decommissioned') throw new InputError('This secret is decommissioned.');
  // A finding attached must be one of this secret's: the caller passed the team check for
  // the secret above, so they may see it named.
  const finding = input.leakFindingId
    ? await db.leakFinding.findFirst({ where: { id: input.leakFindingId, secretId: secret.id }, select: { id: true } })
    : null;
  if (input.leakFindingId && !finding) throw new InputError('This leak finding is not about this secret.');

  const deliveries: string[] = [];
  const incident = await db.$transaction(async (tx) => {
    await tx.secret.update({ where: { id: secret.id }, data: { status: 'compromised' } });
    const opened = await tx.incident.create({
      data: {
        secretId: secret.id,
        reason: input.reason,
        leakFindingId: finding?.id ?? null,
        openedById: user.id,
        openedByEmail: user.email,
        openedAt: clock.now(),
      },
    });
    deliveries.push(...(await notify(tx, { event: 'secret.compromised', occurredAt: clock.now(), secretId: secret.id, reason: input.reason })));
    await recordAudit(tx, caller, {
      action: 'secret.mark_compromised',
      targetType: 'secret',
      targetId: secret.id,
      environment: secret.environment.name,
      changes: { status: { before: secret.status, after: 'compromised' } },
      detail: { incidentId: opened.id, reason: input.reason, leakFindingId: finding?.id ?? null },
    });
    return opened;
  });
  await enqueueDeliveries(deliveries);
  invalidatingListCounts(undefined);

  // The emergency rotation. If one is already running it carries on (its new value is
  // not the leaked one); otherwise the incident says why none could start.
  let rotation: { runId: string } | { error: string };
  try {
    rotation = secret.activeRotationId
      ? { runId: secret.activeRotationId }
      : await createRun(caller, user, secret.id, { trigger: 'emergency', graceHours: input.graceHours ?? 0, note: input.reason }, clock);
  } catch (error) {
    rotation = { error: error instanceof Error ? error.message : 'The emergency rotation could not start.' };
  }
  if ('runId' in rotation) await db.incident.update({ where: { id: incident.id }, data: { rotationRunId: rotation.runId } });
  return { incidentId: incident.id, runId: 'runId' in rotation ? rotation.runId : null, rotationError: 'error' in rotation ? rotation.error : null };
}

export async function getIncident(caller: Caller, incidentId: string): Promise<IncidentView> {
  const user = await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'incident', targetId: incidentId });
  const incident = await db.incident.findUnique({
    where: { id: uuidOrNil(incidentId) },
    include: {
      steps: true,
      secret: { select: { name: true, ownerTeamId: true, environment: { select: { name: true } } } },
      rotationRun: { select: { state: true, failureMessage: true } },
      leakFinding: {
        select: { id: true, scanId: true, severity: true, providerVersionId: true, path: true, line: true, commitSha: true, authorDate: true, preview: true },
      },
    },
  });
  if (!incident) throw new NotFoundError('This incident does not exist.');
  const f = incident.leakFinding;
  const seesWhere = f !== null && (actsOnEveryTeam(user) || callerCan(caller, 'audit.read') || (await isTeamMember(user.id, incident.secret.ownerTeamId)));
  return {
    id: incident.id,
    secretId: incident.secretId,
    secretName: incident.secret.name,
    environment: incident.secret.environment.name,
    reason: incident.reason,
    openedByEmail: incident.openedByEmail,
    openedAt: incident.openedAt.toISOString(),
    closedAt: incident.closedAt?.toISOString() ?? null,
    rotationRunId: incident.rotationRunId,
    rotationState: incident.rotationRun?.state ?? null,
    rotationFailure: incident.rotationRun?.failureMessage ?? null,
    steps: INCIDENT_STEPS.map((s) => {
      const check = incident.steps.find((c) => c.step === s.step);
      return { ...s, checkedAt: check?.checkedAt.toISOString() ?? null, checkedByEmail: check?.checkedByEmail ?? null, note: check?.note ?? '' };
    }),
    leakFinding: f && {
      id: f.id,
      scanId: f.scanId,
      severity: f.severity,
      providerVersionId: f.providerVersionId,
      where: seesWhere ? { path: f.path, line: f.line, commit: f.commitSha, authorDate: f.authorDate?.toISOString() ?? null, preview: f.preview } : null,
    },
  };
}

export async function listSecretIncidents(caller: Caller, secretId: string) {
  await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const rows = await db.incident.findMany({
    where: { secretId: uuidOrNil(secretId) },
    orderBy: { openedAt: 'desc' },
    take: 10,
    select: { id: true, reason: true, openedAt: true, closedAt: true },
  });
  return rows.map((r) => ({ id: r.id, reason: r.reason, openedAt: r.openedAt.toISOString(), closedAt: r.closedAt?.toISOString() ?? null }));
}

export async function checkIncidentStep(caller: Caller, incidentId: string, raw: unknown, clock: Clock = appClock()) {
  const user = await authorizeActionOn(caller, 'secrets.rotate', 'incident.step_check', { incidentId });
  const input = parseInput(ZIncidentStepCheck, raw);
  const incident = await db.incident.findUnique({ where: { id: uuidOrNil(incidentId) }, select: { id: true, secretId: true, closedAt: true } });
  if (!incident) throw new NotFoundError('This incident does not exist.');
  if (incident.closedAt) throw new InputError('This incident is closed.');
  await db.$transaction(async (tx) => {
    const existing = await tx.incidentStepCheck.findUnique({ where: { incidentId_step: { incidentId: incident.id, step: input.step } } });
    if (existing) throw new InputError('This step is already checked off.');
    await tx.incidentStepCheck.create({
      data: { incidentId: incident.id, step: input.step, checkedAt: clock.now(), checkedByEmail: user.email, note: input.note },
    });
    await recordAudit(tx, caller, {
      action: 'incident.step_check',
      targetType: 'secret',
      targetId: incident.secretId,
      detail: { incidentId: incident.id, step: input.step, note: input.note || null },
    });
  });
  return { incidentId: incident.id };
}

export async function closeIncident(caller: Caller, incidentId: string, clock: Clock = appClock()) {
  await authorizeActionOn(caller, 'secrets.rotate', 'incident.close', { incidentId });
  const incident = await db.incident.findUnique({ where: { id: uuidOrNil(incidentId) }, include: { steps: true } });
  if (!incident) throw new NotFoundError('This incident does not exist.');
  if (incident.closedAt) throw new InputError('This incident is already closed.');
  const open = INCIDENT_STEPS.filter((s) => !incident.steps.some((c) => c.step === s.step));
  if (open.length) throw new InputError(`Check off every step first: ${open.map((s) => s.label.toLowerCase()).join(', ')}.`);
  await db.$transaction(async (tx) => {
    await tx.incident.update({ where: { id: incident.id }, data: { closedAt: clock.now() } });
    await recordAudit(tx, caller, { action: 'incident.close', targetType: 'secret', targetId: incident.secretId, detail: { incidentId: incident.id } });
  });
  return { incidentId: incident.id };
}
