// The grace period of a rotation (state in_grace): the old value still works while the
// consumers move to the new one. Every ROTATION_ADOPTION_POLL_SECONDS the worker looks
// for their moves (./adoption: the provider's access history for AWS and GCP secrets, the
// database's live sessions for alternating users), records them, and decides
// (./adoption/decide.ts): retire the old value as soon as every declared consumer moved,
// otherwise at the end of the period, where the secret's straggler policy may extend it
// once or hold the retirement (notifying the owning team) until they move or a person
// retires it (lib/data/rotations.ts retireOldValueNow).
import 'server-only';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { retireVersion, type WriteTarget } from '@/lib/values/write-service';
import { decideGrace, MAX_STRAGGLERS, stragglersOf, type RetireDecision } from './adoption/decide';
import { declaredConsumers } from './adoption/consumers';
import { databaseObservations } from './adoption/database-evidence';
import { providerObservations } from './adoption/provider-evidence';
import { recordExtension, recordHold, recordObservations } from './adoption/record';
import type { Observation } from './adoption/types';
import { databaseAccess, retireReplacedUser } from './database-step';
import type { RunInputs } from './inputs';
import { inputsOf, targetOf, type LoadedRun, type Transition } from './runs';

/** Where evidence of a run's consumers comes from, if anywhere. */
type EvidenceSource = 'database' | 'provider' | 'none';

function sourceOf(run: LoadedRun, inputs: RunInputs): EvidenceSource {
  if (inputs.rotation.strategy === 'alternating_users') return run.newUser ? 'database' : 'none';
  if (inputs.rotation.strategy === 'postgres_role' || inputs.rotation.strategy === 'mysql_user') return 'none';
  return inputs.connection.kind === 'aws' || inputs.connection.kind === 'gcp' ? 'provider' : 'none';
}

const pollMs = () => env().ROTATION_ADOPTION_POLL_SECONDS * 1000;

/** What one look saw: every declared consumer, and whoever else the evidence names. */
async function observe(run: LoadedRun, inputs: RunInputs, source: EvidenceSource, now: Date): Promise<Observation[]> {
  const declared = await declaredConsumers(run.secretId);
  if (source === 'database' && run.newUser) {
    const { engine, admin } = await databaseAccess(inputs);
    const users = [run.newUser, ...(run.retiringUser ? [run.retiringUser] : [])];
    const sessions = await engine.liveSessions(admin, users);
    // No replaced user (the first rotation): no session is on an old value.
    return databaseObservations({ sessions, oldUser: run.retiringUser ?? '', newUser: run.newUser, declared, now });
  }
  if (source === 'provider' && run.promotedAt && run.newVersionId) {
    return providerObservations(
      { secretId: run.secretId, promotedAt: run.promotedAt, previousVersionId: run.previousVersionId, newVersionId: run.newVersionId },
      declared,
    );
  }
  // Nothing can be seen: the declared consumers are listed, never as moved.
  return declared.map((d) => ({
    key: `system:${d.systemId}`,
    systemId: d.systemId,
    label: d.name,
    declared: true,
    observable: false,
    movedAt: null,
    onOld: false,
    oldSeenAt: null,
    evidence: {},
  }));
}

export type GraceResult = Transition | { waitUntil: Date | null };

/** The in_grace step: look (when due), decide, and retire, extend, hold or wait. */
export async function graceStep(run: LoadedRun, owner: string, caller: Caller, now: Date): Promise<GraceResult> {
  const inputs = inputsOf(run);
  const source = sourceOf(run, inputs);
  const poll = pollMs();
  if (!run.adoptionCheckedAt || now.getTime() - run.adoptionCheckedAt.getTime() >= poll) {
    let observations: Observation[] | null = null;
    try {
      observations = await observe(run, inputs, source, now);
    } catch (error) {
      // No evidence this time (a log API or the database is down): decide on what was seen.
      log.warn('rotation adoption check failed', { runId: run.id, error: (error as Error).message });
    }
    if (observations) await recordObservations(run, owner, caller, observations, now);
  }
  const rows = await db.rotationAdoption.findMany({ where: { runId: run.id } });
  const decision = decideGrace(rows, {
    now,
    graceEndsAt: run.graceEndsAt,
    graceHours: run.graceHours,
    policy: inputs.stragglerPolicy,
    graceExtendedAt: run.graceExtendedAt,
    heldAt: run.heldAt,
    pollMs: poll,
    observable: source !== 'none',
  });
  switch (decision.kind) {
    case 'retire':
      return retireOldValue(run, targetOf(run, inputs), inputs, decision.decision, decision.stragglers);
    case 'wait':
      return { waitUntil: decision.until };
    case 'extend': {
      await recordExtension(run, owner, caller, now, decision.graceEndsAt, decision.stragglers);
      const next = new Date(now.getTime() + poll);
      return { waitUntil: source !== 'none' && next < decision.graceEndsAt ? next : decision.graceEndsAt };
    }
    case 'hold':
      if (decision.first) await recordHold(run, owner, caller, now, decision.stragglers);
      return { waitUntil: decision.until };
  }
}

/** The consumers still on the old value now, from the recorded rows (a person's retirement). */
export async function currentStragglers(runId: string): Promise<string[]> {
  return stragglersOf(await db.rotationAdoption.findMany({ where: { runId } })).slice(0, MAX_STRAGGLERS);
}

/**
 * Retires the old value: the provider's previous version (as every strategy does), and for
 * alternating users the replaced database user (never the new one). Every call is
 * idempotent, so a re-run after a crash repeats it safely. The transition records why.
 */
export async function retireOldValue(
  run: LoadedRun,
  target: WriteTarget,
  inputs: RunInputs,
  decision: RetireDecision | 'person',
  stragglers: string[],
): Promise<Transition> {
  const retiredUser = await retireReplacedUser(run, inputs);
  if (run.previousVersionId && run.previousVersionId !== run.newVersionId) await retireVersion(target, run.previousVersionId);
  return {
    event: 'grace_ended',
    patch: { nextAttemptAt: null },
    detail: { retiredVersionId: run.previousVersionId, decision, stragglers: stragglers.slice(0, MAX_STRAGGLERS), retiredUser },
    // Manual rotations complete once someone confirms the old key is revoked.
    notices: run.strategy === 'manual' ? ['rotation.grace_ended'] : ['rotation.grace_ended', 'rotation.completed'],
  };
}
