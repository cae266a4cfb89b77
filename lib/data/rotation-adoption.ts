// A rotation's adoption for people: which consumers have moved to the new value (the
// rotation_adoptions rows the engine records during the grace period, with the secret's
// declared consumers it has not looked at yet), and the run's timeline (its audit events,
// oldest first, with a short summary). Reads only: authorized like the secret's other
// rotation reads ('secrets.read' on the secret), and the run must be that secret's.
import 'server-only';
import type { RotationState, RotationStrategy, StragglerPolicy } from '@/generated/prisma/enums';
import { historyActionLabel } from '@/lib/audit/action-labels';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { NotFoundError } from '@/lib/errors';
import { uuidOrNil } from '@/lib/validation/ids';
import { STRAGGLER_POLICIES } from '@/lib/validation/rotation-config';
import { decisionText, evidenceText, namesText, type Evidence } from './adoption-words';

/** moved: seen on the new value and not on the old one at the last check; on_old: still
 *  seen on the old value; waiting: observable, nothing seen yet; unobservable: a declared
 *  system with no identity the evidence could name (it never counts as moved). */
export type AdoptionStatus = 'moved' | 'on_old' | 'waiting' | 'unobservable';

export type AdoptionConsumer = {
  /** "system:<uuid>", "principal:<identity>" or "session:<client>|<application>". */
  key: string;
  systemId: string | null;
  label: string;
  declared: boolean;
  status: AdoptionStatus;
  movedAt: string | null;
  oldSeenAt: string | null;
  /** Identifiers only (principal, version, address, user, session count), never a value. */
  evidence: Evidence;
  /** The evidence in words; null when there is none (yet). */
  evidenceText: string | null;
  /** False for a declared consumer the engine has not checked yet (no row). */
  checked: boolean;
};

export type RunAdoption = {
  runId: string;
  state: RotationState;
  strategy: RotationStrategy;
  policy: StragglerPolicy;
  graceEndsAt: string | null;
  /** When the worker last looked; null before its first check. */
  checkedAt: string | null;
  heldAt: string | null;
  graceExtendedAt: string | null;
  /** alternating_users: the user the new value names, and the one it replaces. */
  newUser: string | null;
  retiringUser: string | null;
  /** Declared first (by name), then undeclared readers. */
  consumers: AdoptionConsumer[];
  /** Labels of what holds the retirement: declared consumers not moved, undeclared ones on the old value. */
  stragglers: string[];
};

export function adoptionStatusOf(row: { observable: boolean; onOld: boolean; movedAt: Date | null }): AdoptionStatus {
  if (!row.observable) return 'unobservable';
  if (row.onOld) return 'on_old';
  return row.movedAt ? 'moved' : 'waiting';
}

/** Whether a consumer holds the retirement (lib/rotation/adoption/decide.ts says the same). */
export function isStraggler(c: Pick<AdoptionConsumer, 'declared' | 'status'>): boolean {
  return c.declared ? c.status !== 'moved' : c.status === 'on_old';
}

const policyOf = (inputs: unknown): StragglerPolicy => {
  const value = inputs && typeof inputs === 'object' ? (inputs as { stragglerPolicy?: unknown }).stragglerPolicy : undefined;
  return (STRAGGLER_POLICIES as readonly unknown[]).includes(value) ? (value as StragglerPolicy) : 'retire';
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

async function loadRun(caller: Caller, secretId: string, runId: string) {
  await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const run = await db.rotationRun.findUnique({
    where: { id: uuidOrNil(runId) },
    select: {
      id: true,
      secretId: true,
      state: true,
      strategy: true,
      inputs: true,
      graceEndsAt: true,
      adoptionCheckedAt: true,
      heldAt: true,
      graceExtendedAt: true,
      newUser: true,
      retiringUser: true,
    },
  });
  if (!run || run.secretId !== uuidOrNil(secretId)) throw new NotFoundError('This rotation does not exist.');
  return run;
}

/** The run's consumers and whether each moved, with the hold and extension facts. */
export async function getRunAdoption(caller: Caller, secretId: string, runId: string, now: Date = new Date()): Promise<RunAdoption> {
  const run = await loadRun(caller, secretId, runId);
  const [rows, declared] = await Promise.all([
    db.rotationAdoption.findMany({ where: { runId: run.id }, orderBy: [{ declared: 'desc' }, { label: 'asc' }, { id: 'asc' }] }),
    db.secretConsumer.findMany({ where: { secretId: run.secretId }, select: { system: { select: { id: true, name: true } } } }),
  ]);
  const consumers: AdoptionConsumer[] = rows.map((r) => {
    const evidence = (r.evidence && typeof r.evidence === 'object' && !Array.isArray(r.evidence) ? r.evidence : {}) as Evidence;
    return {
      key: r.consumerKey,
      systemId: r.systemId,
      label: r.label,
      declared: r.declared,
      status: adoptionStatusOf(r),
      movedAt: iso(r.movedAt),
      oldSeenAt: iso(r.oldSeenAt),
      evidence,
      evidenceText: evidenceText(evidence, now, { oldUser: run.retiringUser, newUser: run.newUser }),
      checked: true,
    };
  });
  // Declared consumers the engine has not recorded yet (before its first check).
  const seen = new Set(rows.map((r) => r.systemId).filter(Boolean));
  const unchecked: AdoptionConsumer[] = declared
    .map((c) => c.system)
    .filter((s) => !seen.has(s.id))
    .map((s) => ({
      key: `system:${s.id}`,
      systemId: s.id,
      label: s.name,
      declared: true,
      status: 'waiting' as const,
      movedAt: null,
      oldSeenAt: null,
      evidence: {},
      evidenceText: null,
      checked: false,
    }));
  const all = [...consumers, ...unchecked].sort((a, b) => Number(b.declared) - Number(a.declared) || a.label.localeCompare(b.label));
  return {
    runId: run.id,
    state: run.state,
    strategy: run.strategy,
    policy: policyOf(run.inputs),
    graceEndsAt: iso(run.graceEndsAt),
    checkedAt: iso(run.adoptionCheckedAt),
    heldAt: iso(run.heldAt),
    graceExtendedAt: iso(run.graceExtendedAt),
    newUser: run.newUser,
    retiringUser: run.retiringUser,
    consumers: all,
    stragglers: all.filter(isStraggler).map((c) => c.label),
  };
}

export type TimelineEvent = {
  id: string;
  occurredAt: string;
  action: string;
  /** The action in words (lib/audit/action-labels.ts). */
  label: string;
  outcome: 'success' | 'failed' | 'denied';
  /** The person, or "Rotation worker". */
  actor: string;
  /** What the event says beyond its label: the decision, the stragglers, the consumer. */
  summary: string | null;
  /** rotation.grace_extended: the new end of the grace period. */
  until: string | null;
};

const TIMELINE_LIMIT = 200;

/** The audit events of one run of the secret, oldest first (index audit_events(target_type, target_id, id)). */
export async function listRunTimeline(caller: Caller, secretId: string, runId: string): Promise<TimelineEvent[]> {
  const run = await loadRun(caller, secretId, runId);
  const rows = await db.auditEvent.findMany({
    where: { targetType: 'secret', targetId: run.secretId, action: { startsWith: 'rotation.' }, detail: { path: ['runId'], equals: run.id } },
    orderBy: { id: 'asc' },
    take: TIMELINE_LIMIT,
    select: { id: true, occurredAt: true, action: true, outcome: true, actorEmail: true, actorId: true, detail: true },
  });
  return rows.map((r) => {
    const detail = (r.detail && typeof r.detail === 'object' && !Array.isArray(r.detail) ? r.detail : {}) as Record<string, unknown>;
    const until = typeof detail.graceEndsAt === 'string' && r.action === 'rotation.grace_extended' ? detail.graceEndsAt : null;
    return {
      id: r.id.toString(),
      occurredAt: r.occurredAt.toISOString(),
      action: r.action,
      label: historyActionLabel(r.action, r.detail),
      outcome: r.outcome,
      actor: r.actorId && r.actorEmail ? r.actorEmail : r.actorEmail && r.actorEmail !== 'rotation-worker' ? r.actorEmail : 'Rotation worker',
      summary: timelineSummary(detail, { oldUser: run.retiringUser, newUser: run.newUser }),
      until,
    };
  });
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
/** A list of names as events store it: an array, or one string ("a, b") where the audit detail keeps scalars only. */
const names = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string' && x.length > 0)
    : typeof v === 'string'
      ? v
          .split(/,\s*/)
          .map((x) => x.trim())
          .filter(Boolean)
      : [];

/** The engine's evidence summary ("oldSessions=0, newSessions=3, clients=127.0.0.1, 127.0.0.2")
 *  back into identifiers; a value may itself hold ", " (a list), so a pair ends where the next "key=" starts. */
export function parseSummary(summary: string): Evidence {
  const out: Evidence = {};
  for (const m of summary.matchAll(/(\w+)=(.*?)(?=, \w+=|$)/g)) {
    const value = m[2];
    out[m[1]] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value;
  }
  return out;
}

/** A short line from an event's detail; null when it adds nothing to the label. */
export function timelineSummary(detail: Record<string, unknown>, users: { oldUser?: string | null; newUser?: string | null } = {}): string | null {
  const parts: string[] = [];
  const decision = decisionText(detail.decision);
  if (decision) parts.push(`Decision: ${decision}`);
  const consumer = text(detail.consumer) ?? text(detail.label);
  if (consumer) parts.push(detail.onOld === true ? `${consumer} (still on the old value)` : consumer);
  const evidence =
    typeof detail.evidence === 'string'
      ? (evidenceText(parseSummary(detail.evidence), undefined, users) ?? text(detail.evidence))
      : detail.evidence && typeof detail.evidence === 'object' && !Array.isArray(detail.evidence)
        ? evidenceText(detail.evidence as Evidence, undefined, users)
        : null;
  if (evidence) parts.push(evidence);
  const stragglers = names(detail.stragglers);
  if (stragglers.length) parts.push(`Still on the old value: ${namesText(stragglers)}`);
  else if (decision && (Array.isArray(detail.stragglers) || typeof detail.stragglers === 'string' || typeof detail.stragglers === 'number'))
    parts.push('No stragglers');
  const retired = text(detail.retiredUser);
  if (retired) parts.push(`Retired user ${retired}`);
  const error = text(detail.message) ?? text(detail.error);
  if (error) parts.push(error);
  return parts.length ? parts.join(' · ') : null;
}
